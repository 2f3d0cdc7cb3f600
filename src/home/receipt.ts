/** What one erasure touched, place by place: returned by every way a document leaves a home. */
export interface ErasureReceipt {
  reason: string;
  at: string;
  /** `whole: false` — the document stays, but its old version's chunks left (a changed file). */
  documents: Array<{ documentId: string; source: string; collection: string; whole: boolean }>;
  store: { documents: number; chunks: number; reclaimedFiles: string[] };
  datasets: Array<{ name: string; removedExamples: number; remaining: number }>;
  /** Exported training data (e.g. adapters/<name>/data/train.jsonl), path relative to the home. */
  exports: Array<{ file: string; removedRecords: number }>;
  /** Adapters trained on erased data: now flagged `containsErasedData`, with the command that retrains them. */
  adapters: Array<{ name: string; retrainCommand: string }>;
  traces: { memory: number; file: number };
  /** Uploaded originals (under <home>/uploads) of erased documents, deleted; path relative to the home. */
  uploads: string[];
  warnings: string[];
}

export function emptyReceipt(reason: string): ErasureReceipt {
  return {
    reason,
    at: new Date().toISOString(),
    documents: [],
    store: { documents: 0, chunks: 0, reclaimedFiles: [] },
    datasets: [],
    exports: [],
    adapters: [],
    traces: { memory: 0, file: 0 },
    uploads: [],
    warnings: [],
  };
}

/** One receipt for an operation that erased in several writes (a sync, a collection delete). */
export function mergeReceipts(reason: string, receipts: ErasureReceipt[]): ErasureReceipt {
  const merged = emptyReceipt(reason);
  const sumBy = <T extends { removedExamples?: number; removedRecords?: number }>(list: T[], key: (t: T) => string, field: 'removedExamples' | 'removedRecords') => {
    const byKey = new Map<string, T>();
    for (const item of list) {
      const seen = byKey.get(key(item));
      if (seen) (seen as Record<string, unknown>)[field] = (seen[field] ?? 0) + (item[field] ?? 0);
      else byKey.set(key(item), { ...item });
    }
    return [...byKey.values()];
  };
  for (const r of receipts) {
    merged.documents.push(...r.documents);
    merged.store.documents += r.store.documents;
    merged.store.chunks += r.store.chunks;
    merged.store.reclaimedFiles = [...new Set([...merged.store.reclaimedFiles, ...r.store.reclaimedFiles])];
    merged.datasets.push(...r.datasets);
    merged.exports.push(...r.exports);
    merged.adapters.push(...r.adapters);
    merged.traces.memory += r.traces.memory;
    merged.traces.file += r.traces.file;
    merged.uploads.push(...r.uploads);
    merged.warnings.push(...r.warnings);
  }
  // The last count of what remains in a dataset is the true one.
  const datasets = sumBy(merged.datasets, (d) => d.name, 'removedExamples');
  for (const d of datasets) d.remaining = [...merged.datasets].reverse().find((x) => x.name === d.name)!.remaining;
  merged.datasets = datasets;
  merged.exports = sumBy(merged.exports, (e) => e.file, 'removedRecords');
  merged.adapters = [...new Map(merged.adapters.map((a) => [a.name, a])).values()];
  return merged;
}

/** The receipt as lines for a terminal. */
export function formatReceipt(receipt: ErasureReceipt): string {
  const lines: string[] = [];
  const whole = receipt.documents.filter((d) => d.whole).length;
  const versions = receipt.documents.length - whole;
  lines.push(`erasure receipt (${receipt.reason}, ${receipt.at}):`);
  lines.push(`  store: ${receipt.store.documents} document(s)${versions ? ` and the old version of ${versions} changed document(s)` : ''}, ${receipt.store.chunks} chunk(s) with vectors and BM25 postings; free pages cleared in ${receipt.store.reclaimedFiles.length} file(s)`);
  lines.push(`  datasets: ${receipt.datasets.length === 0 ? 'none held derived examples' : receipt.datasets.map((d) => `${d.name} (-${d.removedExamples}, ${d.remaining} left)`).join(', ')}`);
  lines.push(`  exports: ${receipt.exports.length === 0 ? 'none held derived records' : receipt.exports.map((e) => `${e.file} (-${e.removedRecords})`).join(', ')}`);
  lines.push(`  adapters flagged: ${receipt.adapters.length === 0 ? 'none' : receipt.adapters.map((a) => a.name).join(', ')}`);
  for (const a of receipt.adapters) lines.push(`    retrain ${a.name}: ${a.retrainCommand}`);
  lines.push(`  traces: ${receipt.traces.memory} removed from memory, ${receipt.traces.file} from traces.jsonl`);
  if (receipt.uploads.length > 0) lines.push(`  uploaded originals deleted: ${receipt.uploads.join(', ')}`);
  for (const w of receipt.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
