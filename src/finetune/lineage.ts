import { isTailorError } from '../core/errors.js';
import type { AdapterManifest } from './registry.js';
import { finetuneStoresFor, type FinetuneStores } from './stores.js';
import type { DatasetExample } from './types.js';

export interface ErasureReport {
  documentIds: string[];
  /** Datasets that held examples derived from the documents, with what was removed. */
  datasets: Array<{ name: string; removedExampleIds: string[]; remaining: number; hash: string }>;
  /** Adapters trained on such examples, now marked `containsErasedData`. */
  adapters: Array<{ name: string; exampleIds: string[]; retrainCommand: string }>;
}

/**
 * GDPR erasure for fine-tuning: removes every dataset example derived from the documents, and
 * marks every adapter trained on them (`containsErasedData`, refused for use unless allowed),
 * each with the one command that retrains it on the cleaned dataset. Safe to run again.
 * `tailor forget` calls this after erasing the documents from the store.
 */
export async function eraseDocumentLineage(home: string | FinetuneStores, documentIds: string[]): Promise<ErasureReport> {
  const { report } = await eraseLineage(home, { documentIds });
  return report;
}

/** What left the store: whole documents, and/or single chunks (the old version of a changed file). */
export interface ErasedLineage {
  documentIds?: string[];
  chunkIds?: string[];
}

/**
 * eraseDocumentLineage, generalised to chunks: an example goes when any document or chunk it
 * was made from was erased. Also returns the removed examples, so copies of them (exported
 * training files) can be found and removed as well.
 */
export async function eraseLineage(home: string | FinetuneStores, erasedContent: ErasedLineage): Promise<{ report: ErasureReport; removed: DatasetExample[] }> {
  const erased = new Set(erasedContent.documentIds ?? []);
  const erasedChunks = new Set(erasedContent.chunkIds ?? []);
  const report: ErasureReport = { documentIds: [...erased], datasets: [], adapters: [] };
  const removedAll: DatasetExample[] = [];
  if (erased.size === 0 && erasedChunks.size === 0) return { report, removed: removedAll };
  const hit = (e: DatasetExample) => e.provenance.documentIds.some((id) => erased.has(id)) || e.provenance.chunkIds.some((id) => erasedChunks.has(id));
  const removedIds = new Set<string>();
  const { datasets, adapters: registry } = typeof home === 'string' ? finetuneStoresFor(home) : home;
  for (const { name } of await datasets.list()) {
    const removed = await eraseFromDataset(datasets, name, hit, { documentIds: [...erased], chunkIds: [...erasedChunks] });
    if (!removed) continue;
    removed.examples.forEach((e) => removedIds.add(e.id));
    removedAll.push(...removed.examples);
    report.datasets.push({ name, removedExampleIds: removed.examples.map((e) => e.id), remaining: removed.remaining, hash: removed.hash });
  }
  for (const adapter of await registry.list()) {
    const hitDocuments = adapter.dataset.documentIds.filter((id) => erased.has(id));
    const hitExamples = adapter.dataset.exampleIds.filter((id) => removedIds.has(id));
    if (hitDocuments.length === 0 && hitExamples.length === 0) continue;
    const recorded = new Set((adapter.erasures ?? []).flatMap((e) => e.documentIds));
    const fresh = hitDocuments.filter((id) => !recorded.has(id));
    const updated: AdapterManifest = { ...adapter, containsErasedData: true };
    if (fresh.length > 0 || hitExamples.length > 0) {
      updated.erasures = [...(adapter.erasures ?? []), { at: new Date().toISOString(), documentIds: fresh.length > 0 ? fresh : hitDocuments, exampleIds: hitExamples }];
    }
    await registry.put(updated);
    report.adapters.push({ name: adapter.name, exampleIds: hitExamples, retrainCommand: retrainCommand(updated) });
  }
  return { report, removed: removedAll };
}

/**
 * Removes the hit examples from one dataset. The save names the hash it read, so an edit saved
 * meanwhile (another replica's split or import) is never overwritten with the erased examples
 * back in: the erasure reads again and retries.
 */
async function eraseFromDataset(
  datasets: FinetuneStores['datasets'],
  name: string,
  hit: (e: DatasetExample) => boolean,
  erased: { documentIds: string[]; chunkIds: string[] },
): Promise<{ examples: DatasetExample[]; remaining: number; hash: string } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const { examples, manifest: loaded } = await datasets.load(name);
    const removed = examples.filter(hit);
    if (removed.length === 0) return undefined;
    const kept = examples.filter((e) => !hit(e));
    try {
      const manifest = await datasets.save(name, kept, { operation: 'erase', details: { ...erased, removedExamples: removed.length } }, { ifHash: loaded.hash });
      return { examples: removed, remaining: kept.length, hash: manifest.hash };
    } catch (error) {
      if (!isTailorError(error) || error.code !== 'CONFLICT' || attempt >= 20) throw error;
    }
  }
}

const FLAG_FOR: Record<string, string> = {
  method: '--method',
  rank: '--rank',
  alpha: '--alpha',
  epochs: '--epochs',
  learningRate: '--lr',
  batchSize: '--batch-size',
  gradientAccumulation: '--grad-accum',
  seed: '--seed',
};

/** The one command that retrains an adapter with the same settings on its (cleaned) dataset. */
export function retrainCommand(adapter: AdapterManifest): string {
  const args = ['tailor', 'train', '--base', adapter.baseModel.ref, '--dataset', adapter.dataset.name ?? adapter.dataset.file ?? '<dataset>', '--backend', adapter.backend];
  for (const [key, flag] of Object.entries(FLAG_FOR)) {
    const value = adapter.hyperparameters[key];
    if (value !== undefined && value !== null) args.push(flag, String(value));
  }
  args.push('--name', retrainedName(adapter.name));
  return args.map(shellQuote).join(' ');
}

function retrainedName(name: string): string {
  const match = /^(.*)-retrained(?:-(\d+))?$/.exec(name);
  if (!match) return `${name}-retrained`;
  return `${match[1]}-retrained-${Number(match[2] ?? 1) + 1}`;
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
