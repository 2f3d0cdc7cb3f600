import type { Chunk } from '../core/types.js';
import type { Logger } from '../core/logger.js';
import { TailorError, toTailorError } from '../core/errors.js';
import type { DocumentUpsert, Store } from '../index/store.js';
import type { Embedder } from '../providers/types.js';
import type { PreparedDocument } from './prepare.js';
import type { FileOutcome } from './report.js';

export interface PendingDocument {
  prepared: PreparedDocument;
  status: 'new' | 'changed' | 'renamed';
  renamedFrom?: { id: string; source: string };
  warnings?: string[];
}

export interface WriteBatcherOptions {
  store: Store;
  embedder?: Embedder;
  collection: string;
  logger: Logger;
  /** Flush after this many chunks (one transaction each); bounds memory and lost work on a crash. */
  maxChunks?: number;
  maxDocuments?: number;
  /** Flush once the pending documents' text passes this many characters (default 8 M): caps the bytes in flight. */
  maxTextChars?: number;
  /** Drop chunks whose exact text is already stored in the collection (default true). */
  dropDuplicateChunks?: boolean;
}

/** Text the embedder sees: the passage with the context a reader would have. */
export function embeddingText(chunk: Chunk, title: string): string {
  const context = [title, ...chunk.headingPath].filter(Boolean).join(' › ');
  return context ? `${context}\n${chunk.text}` : chunk.text;
}

/**
 * Collects prepared documents and commits them in batches: exact-duplicate chunks
 * (already stored elsewhere in the collection, or earlier in the batch) are dropped,
 * the rest embedded, and the whole batch written in one store transaction.
 */
/** Carries an embedder's failure past the per-batch handler, which would otherwise fail each batch alike. */
class EmbedderFailure extends Error {
  constructor(readonly error: TailorError) {
    super(error.message);
  }
}

export function createWriteBatcher(options: WriteBatcherOptions) {
  const maxChunks = options.maxChunks ?? 512;
  const maxDocuments = options.maxDocuments ?? 64;
  const maxTextChars = options.maxTextChars ?? 8 * 1024 * 1024;
  let pending: PendingDocument[] = [];
  let pendingChunks = 0;
  let pendingChars = 0;

  return {
    async add(doc: PendingDocument): Promise<void> {
      pending.push(doc);
      pendingChunks += doc.prepared.chunks.length;
      pendingChars += doc.prepared.document.text.length;
    },
    full(): boolean {
      return pendingChunks >= maxChunks || pending.length >= maxDocuments || pendingChars >= maxTextChars;
    },
    async flush(): Promise<FileOutcome[]> {
      if (pending.length === 0) return [];
      const batch = pending;
      pending = [];
      pendingChunks = 0;
      pendingChars = 0;
      try {
        return await write(batch);
      } catch (error) {
        // An embedder that cannot be reached fails every later batch the same way: stop at the first.
        if (error instanceof EmbedderFailure) throw error.error;
        const e = toTailorError(error);
        options.logger.log('error', `batch of ${batch.length} document(s) not stored: ${e.message}`, { code: e.code });
        return batch.map(({ prepared }) => ({ status: 'failed', source: prepared.document.source, error: { code: e.code, message: e.message } }));
      }
    },
  };

  async function write(batch: PendingDocument[]): Promise<FileOutcome[]> {
      const duplicates = options.dropDuplicateChunks === false ? new Set<string>() : await findDuplicateChunks(options.store, options.collection, batch);
      const upserts: DocumentUpsert[] = batch.map(({ prepared }) => ({
        document: prepared.document,
        chunks: prepared.chunks.filter((c) => !duplicates.has(c.id)),
      }));
      let embedderId: string | undefined;
      if (options.embedder) {
        embedderId = `${options.embedder.provider}:${options.embedder.modelId}:${options.embedder.dimensions}`;
        const texts = upserts.flatMap((u) => u.chunks.map((c) => embeddingText(c, u.document.title)));
        const { embedder } = options;
        const { result } = await embedder.doEmbed({ values: texts, kind: 'document' }).catch((error: unknown) => {
          const e = toTailorError(error, 'PROVIDER_ERROR');
          throw new EmbedderFailure(new TailorError(e.code, `Ingest stopped: the embedder ${embedder.provider}:${embedder.modelId} failed: ${e.message.replace(/[.\s]*$/, ".")} Documents reported before this were stored; fix the embedder (or choose another with --embedder on a new store) and run the same command again: stored files are skipped as unchanged.`, { cause: error, details: e.details }));
        });
        let offset = 0;
        for (const upsert of upserts) {
          upsert.vectors = result.embeddings.slice(offset, offset + upsert.chunks.length);
          offset += upsert.chunks.length;
        }
        // Dimensions may only be known after the first call (OpenAI-compatible servers).
        embedderId = `${options.embedder.provider}:${options.embedder.modelId}:${options.embedder.dimensions}`;
      }
      const deletes = batch.flatMap((d) => (d.renamedFrom ? [d.renamedFrom.id] : []));
      const written = await options.store.doWrite({ upserts, deletes, embedderId });
      options.logger.log('info', `committed ${batch.length} document(s), ${written.chunksAdded} chunk(s)`, { generation: written.generation });
      // Only now is a document done: these lines are the ingest's durable progress record.
      for (const { prepared } of batch) options.logger.log('debug', `stored ${prepared.document.source}`);
      return batch.map((doc, i): FileOutcome => {
        const { document } = doc.prepared;
        const chunks = upserts[i]!.chunks.length;
        const duplicateChunks = doc.prepared.chunks.length - chunks;
        if (doc.status === 'renamed') {
          return { status: 'renamed', source: document.source, documentId: document.id, renamedFrom: doc.renamedFrom!.source, chunks, duplicateChunks };
        }
        return {
          status: doc.status, source: document.source, documentId: document.id, chunks, duplicateChunks,
          ...(document.redactions ? { redactions: document.redactions } : {}),
          ...(doc.warnings?.length ? { warnings: doc.warnings } : {}),
        };
      });
  }
}

async function findDuplicateChunks(store: Store, collection: string, batch: PendingDocument[]): Promise<Set<string>> {
  const hashes = [...new Set(batch.flatMap((d) => d.prepared.chunks.map((c) => c.textHash)))];
  const replacing = new Set(batch.flatMap((d) => [d.prepared.document.id, ...(d.renamedFrom ? [d.renamedFrom.id] : [])]));
  const stored = await store.doGetChunks({ textHashes: hashes, filter: { collections: [collection] } });
  // A chunk only duplicates text held by another document that survives this write.
  const seen = new Set(stored.filter((row) => !replacing.has(row.chunk.documentId)).map((row) => row.chunk.textHash));
  const duplicates = new Set<string>();
  for (const doc of batch) {
    for (const chunk of doc.prepared.chunks) {
      if (seen.has(chunk.textHash)) duplicates.add(chunk.id);
      else seen.add(chunk.textHash);
    }
  }
  return duplicates;
}
