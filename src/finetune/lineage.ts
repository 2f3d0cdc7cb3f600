import { createDatasetStore } from './datasets/store.js';
import { createAdapterRegistry, type AdapterManifest } from './registry.js';

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
export async function eraseDocumentLineage(home: string, documentIds: string[]): Promise<ErasureReport> {
  const erased = new Set(documentIds);
  const report: ErasureReport = { documentIds: [...erased], datasets: [], adapters: [] };
  if (erased.size === 0) return report;
  const removedIds = new Set<string>();
  const datasets = createDatasetStore(home);
  for (const { name } of await datasets.list()) {
    const { examples } = await datasets.load(name);
    const removed = examples.filter((e) => e.provenance.documentIds.some((id) => erased.has(id)));
    if (removed.length === 0) continue;
    const kept = examples.filter((e) => !removed.includes(e));
    const manifest = await datasets.save(name, kept, { operation: 'erase', details: { documentIds: [...erased], removedExamples: removed.length } });
    removed.forEach((e) => removedIds.add(e.id));
    report.datasets.push({ name, removedExampleIds: removed.map((e) => e.id), remaining: kept.length, hash: manifest.hash });
  }
  const registry = createAdapterRegistry(home);
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
  return report;
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
