/**
 * Copies a home's datasets and adapters (manifests with their lineage and erasure flags, and the
 * files an adapter needs to be used) from one place to another — the files of an embedded home,
 * the tables of a PostgreSQL one — and checks every one arrived unchanged. Run again, it skips
 * what is already there. The source wins over a different copy under the same name: that is
 * a copy left from an earlier migration, and it may still hold examples erased since.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TailorError } from '../core/errors.js';
import { adapterFilePaths, insideDir, withAdapterFilePaths, type AdapterManifest, type AdapterRegistry } from '../finetune/registry.js';
import type { FinetuneStores } from '../finetune/stores.js';

export interface FinetuneCopyResult {
  datasets: { copied: number; total: number };
  adapters: { copied: number; total: number };
}

export async function migrateFinetune(from: FinetuneStores, to: FinetuneStores): Promise<FinetuneCopyResult> {
  const result: FinetuneCopyResult = { datasets: { copied: 0, total: 0 }, adapters: { copied: 0, total: 0 } };
  const targetDatasets = new Map((await to.datasets.list()).map((m) => [m.name, m.hash]));
  for (const manifest of await from.datasets.list()) {
    result.datasets.total++;
    if (targetDatasets.get(manifest.name) === manifest.hash) continue;
    await to.datasets.restore(await from.datasets.load(manifest.name));
    result.datasets.copied++;
  }
  const targetAdapters = new Map((await to.adapters.list()).map((a) => [a.name, a]));
  for (const listed of await from.adapters.list()) {
    result.adapters.total++;
    const there = targetAdapters.get(listed.name);
    if (there && there.createdAt === listed.createdAt && there.dataset.hash === listed.dataset.hash && sameErasures(there, listed)) continue;
    await to.adapters.put(await withFilesIn(to.adapters, await from.adapters.get(listed.name), from.adapters));
    result.adapters.copied++;
  }
  await verify(from, to);
  return result;
}

/** The adapter's own files (LoRA file, training curve) copied into the target's folder, its paths pointing there. */
async function withFilesIn(target: AdapterRegistry, manifest: AdapterManifest, source: AdapterRegistry): Promise<AdapterManifest> {
  const fromDir = source.adapterDir(manifest.name);
  const toDir = target.adapterDir(manifest.name);
  if (fromDir === toDir) return manifest;
  for (const path of adapterFilePaths(manifest)) {
    const rel = insideDir(fromDir, path);
    if (rel === undefined) continue;
    await mkdir(dirname(join(toDir, rel)), { recursive: true });
    await copyFile(path, join(toDir, rel));
  }
  return withAdapterFilePaths(manifest, (path) => {
    const rel = insideDir(fromDir, path);
    return rel === undefined ? path : join(toDir, rel);
  });
}

function sameErasures(a: AdapterManifest, b: AdapterManifest): boolean {
  return Boolean(a.containsErasedData) === Boolean(b.containsErasedData) && JSON.stringify(a.erasures ?? []) === JSON.stringify(b.erasures ?? []);
}

async function verify(from: FinetuneStores, to: FinetuneStores): Promise<void> {
  const target = new Map((await to.datasets.list()).map((m) => [m.name, m.hash]));
  const missingDatasets = (await from.datasets.list()).filter((m) => target.get(m.name) !== m.hash).map((m) => m.name);
  const adapters = new Map((await to.adapters.list()).map((a) => [a.name, a]));
  const missingAdapters = (await from.adapters.list())
    .filter((a) => {
      const copy = adapters.get(a.name);
      return !copy || copy.dataset.exampleIds.length !== a.dataset.exampleIds.length || copy.dataset.documentIds.join() !== a.dataset.documentIds.join() || !sameErasures(copy, a);
    })
    .map((a) => a.name);
  if (missingDatasets.length + missingAdapters.length > 0) {
    throw new TailorError('INTERNAL', `The copy of the fine-tuning data does not match its source (datasets: ${missingDatasets.join(', ') || 'none'}; adapters: ${missingAdapters.join(', ') || 'none'}); the source is untouched: run the migration again.`);
  }
}
