import { AsyncLocalStorage } from 'node:async_hooks';
import type { Chunk } from '../core/types.js';
import type { Store, StoreWrite, StoreWriteResult } from '../index/store.js';
import type { ErasedContent } from './erased.js';
import type { ErasureReceipt } from './receipt.js';

/** `reclaim: false` when the write is part of an operation that reclaims free pages once, at its end. */
export type Eraser = (content: ErasedContent, removed: { documents: number; chunks: number }, options: { reclaim: boolean }) => Promise<ErasureReceipt>;

export interface ErasingStore extends Store {
  doWrite(write: StoreWrite): Promise<StoreWriteResult & { erasure?: ErasureReceipt }>;
  /** Runs `fn` and returns with it every erasure receipt its writes produced, each labelled `reason`. */
  collecting<T>(reason: string, fn: () => Promise<T>): Promise<{ value: T; receipts: ErasureReceipt[] }>;
}

/**
 * The store as a home hands it out: any write that removes text — a delete, or an upsert
 * replacing a document's chunks (a changed file) — sends what left through the home's eraser,
 * whoever made the write (forget, sync, ingest, a route). Nothing can delete around it.
 */
export function createErasingStore(inner: Store, erase: Eraser): ErasingStore {
  const collector = new AsyncLocalStorage<{ reason: string; receipts: ErasureReceipt[] }>();
  const store: ErasingStore = {
    doQuery: (q) => inner.doQuery(q),
    doGetChunks: (l) => inner.doGetChunks(l),
    doListDocuments: (l) => inner.doListDocuments(l),
    doStats: () => inner.doStats(),
    ...(inner.doReclaim ? { doReclaim: () => inner.doReclaim!() } : {}),
    ...(inner.doGetVectors ? { doGetVectors: (ids: string[]) => inner.doGetVectors!(ids) } : {}),
    ...(inner.sharedDatabase ? { sharedDatabase: inner.sharedDatabase } : {}),
    close: () => inner.close(),
    async doWrite(write) {
      const deletes = write.deletes ?? [];
      const upserts = write.upserts ?? [];
      const touched = [...new Set([...deletes, ...upserts.map((u) => u.document.id)])];
      const before = touched.length > 0 ? await inner.doGetChunks({ documentIds: touched }) : [];
      const upsertedText = new Set(upserts.flatMap((u) => u.chunks.map((c) => c.textHash)));
      // A renamed file is deleted under its old id and written under its new one: its text stays.
      const moved = (documentId: string) => {
        const rows = before.filter((row) => row.chunk.documentId === documentId);
        return rows.length > 0 && rows.every((row) => upsertedText.has(row.chunk.textHash));
      };
      const deletedDocs = deletes.length > 0 ? (await inner.doListDocuments({ ids: deletes })).filter((d) => !moved(d.id)) : [];
      const movedIds = new Set(deletes.filter((id) => !deletedDocs.some((d) => d.id === id)));
      const result = await inner.doWrite(write);
      const kept = new Set(upserts.flatMap((u) => u.chunks.map((c) => c.id)));
      const deleted = new Set(deletedDocs.map((d) => d.id));
      const erasedChunks: Chunk[] = before
        .filter((row) => !movedIds.has(row.chunk.documentId) && (deleted.has(row.chunk.documentId) || !kept.has(row.chunk.id)))
        .map((row) => row.chunk);
      if (deletedDocs.length === 0 && erasedChunks.length === 0) return result;
      const replaced = new Map(erasedChunks.filter((chunk) => !deleted.has(chunk.documentId)).map((chunk) => before.find((row) => row.chunk.id === chunk.id)!).map((row) => [row.document.id, row.document] as const));
      const content: ErasedContent = {
        reason: collector.getStore()?.reason ?? 'store write',
        documents: [
          ...deletedDocs.map((d) => ({ documentId: d.id, source: d.source, collection: d.collection, whole: true })),
          ...[...replaced.values()].map((d) => ({ documentId: d.id, source: d.source, collection: d.collection, whole: false })),
        ],
        chunks: erasedChunks,
      };
      const operation = collector.getStore();
      const receipt = await erase(content, { documents: deletedDocs.length, chunks: erasedChunks.length }, { reclaim: operation === undefined });
      operation?.receipts.push(receipt);
      return { ...result, erasure: receipt };
    },
    async collecting(reason, fn) {
      const receipts: ErasureReceipt[] = [];
      try {
        const value = await collector.run({ reason, receipts }, fn);
        return { value, receipts };
      } finally {
        // One checkpoint and snapshot for the whole operation, even when it failed half-way.
        if (receipts.length > 0) {
          if (inner.doReclaim) receipts[receipts.length - 1]!.store.reclaimedFiles = (await inner.doReclaim()).files;
          else receipts[receipts.length - 1]!.warnings.push('this store cannot clear its free pages; erased text may remain in its files until they are compacted');
        }
      }
    },
  };
  return store;
}
