import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { Store } from '../index/store.js';
import { eraseLineage } from '../finetune/lineage.js';
import type { FinetuneStores } from '../finetune/stores.js';
import type { ErasedContent } from './erased.js';
import { scrubExports } from './exports.js';
import { emptyReceipt, type ErasureReceipt } from './receipt.js';
import type { TraceLog } from './traces.js';

export interface EraseContext {
  /** The home directory (datasets/, adapters/, traces.jsonl). */
  dir: string;
  store: Store;
  /** The home's datasets and adapters (files, or the PostgreSQL store's tables). */
  finetune: FinetuneStores;
  traces: TraceLog;
  logger: Logger;
}

/**
 * The one path erased content takes after it left the store (a delete, or a changed file's old
 * version replaced): dataset examples made from it, exported copies of those examples, the
 * adapters trained on them (flagged, with the retrain command), answer traces that retrieved or
 * quote it, and the store's free pages and log. Returns what it touched.
 */
export async function eraseDerived(
  context: EraseContext,
  content: ErasedContent,
  removed: { documents: number; chunks: number },
  options: { reclaim: boolean } = { reclaim: true },
): Promise<ErasureReceipt> {
  const receipt = emptyReceipt(content.reason);
  receipt.documents = content.documents;
  receipt.store.documents = removed.documents;
  receipt.store.chunks = removed.chunks;
  const wholeIds = content.documents.filter((d) => d.whole).map((d) => d.documentId);
  const lineage = await eraseLineage(context.finetune, { documentIds: wholeIds, chunkIds: content.chunks.map((c) => c.id) });
  receipt.datasets = lineage.report.datasets.map((d) => ({ name: d.name, removedExamples: d.removedExampleIds.length, remaining: d.remaining }));
  receipt.adapters = lineage.report.adapters.map((a) => ({ name: a.name, retrainCommand: a.retrainCommand }));
  const exported = await scrubExports(context.dir, content, lineage.removed);
  receipt.exports = exported.exports;
  receipt.warnings.push(...exported.warnings);
  receipt.traces = await context.traces.erase(content);
  receipt.uploads = await removeUploadedOriginals(context.dir, content);
  if (!options.reclaim) {
    // Part of a larger operation (a sync, a re-ingest): the caller reclaims once at its end.
  } else if (context.store.doReclaim) {
    receipt.store.reclaimedFiles = (await context.store.doReclaim()).files;
  } else {
    receipt.warnings.push('this store cannot clear its free pages; erased text may remain in its files until they are compacted');
  }
  context.logger.log('info', `erased ${removed.documents} document(s), ${removed.chunks} chunk(s) (${content.reason})`, {
    datasets: receipt.datasets.length,
    exports: receipt.exports.length,
    adapters: receipt.adapters.map((a) => a.name),
    traces: receipt.traces,
  });
  return receipt;
}

/**
 * A file uploaded through the server is kept under <home>/uploads/<collection>/ — a copy of the
 * document the home made, so it goes with it (a later sync would bring it back otherwise).
 * Files the user ingested from their own folders are theirs and stay.
 */
async function removeUploadedOriginals(home: string, content: ErasedContent): Promise<string[]> {
  const uploads = join(home, 'uploads');
  const removed: string[] = [];
  for (const doc of content.documents) {
    if (!doc.whole || !isAbsolute(doc.source)) continue;
    const rel = relative(uploads, doc.source);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    await rm(doc.source, { force: true });
    removed.push(relative(home, doc.source));
  }
  return removed;
}
