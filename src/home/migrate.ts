/**
 * Copies one store into another (embedded ↔ PostgreSQL): documents with their text, chunks and
 * vectors, in batches that each commit atomically, then checks that the counts agree. The target
 * must be empty, so a copy never mixes into another corpus. Keys (cli/commands/store.ts) and
 * datasets and adapters (migrate-finetune.ts) are copied beside it; uploads and traces stay in the home.
 */
import { TailorError } from '../core/errors.js';
import type { DocumentRecord } from '../core/types.js';
import type { DocumentUpsert, Store, StoreStats } from '../index/store.js';

export interface MigrateOptions {
  from: Store;
  to: Store;
  /** Documents per write (one transaction each; default 200). */
  batchDocuments?: number;
  onProgress?: (copied: { documents: number; total: number }) => void;
}

export interface MigrateResult {
  documents: number;
  chunks: number;
  vectors: number;
  source: StoreStats;
  target: StoreStats;
}

export async function migrateStore(options: MigrateOptions): Promise<MigrateResult> {
  const { from, to } = options;
  const source = await from.doStats();
  const before = await to.doStats();
  if (before.documents > 0 || before.chunks > 0) {
    throw new TailorError('INVALID_ARGUMENT', `The target store already holds ${before.documents} documents: migrate into an empty store (a new database or ?schema=name), or forget its documents first.`, {
      details: { documents: before.documents },
    });
  }
  if (source.vectors > 0 && !from.doGetVectors) {
    throw new TailorError('INVALID_ARGUMENT', 'The source store cannot export its vectors, so a copy would lose them.');
  }
  const summaries = await from.doListDocuments({});
  const batch = Math.max(1, options.batchDocuments ?? 200);
  let copied = 0;
  for (let i = 0; i < summaries.length; i += batch) {
    const ids = summaries.slice(i, i + batch).map((d) => d.id);
    const documents = (await from.doListDocuments({ ids, withText: true })) as DocumentRecord[];
    const rows = await from.doGetChunks({ documentIds: ids });
    const vectors = source.vectors > 0 ? await from.doGetVectors!(rows.map((r) => r.chunk.id)) : new Map<string, Float32Array>();
    const upserts: DocumentUpsert[] = documents.map((document) => {
      const chunks = rows.filter((r) => r.chunk.documentId === document.id).map((r) => r.chunk);
      const upsert: DocumentUpsert = { document, chunks };
      if (chunks.length > 0 && chunks.every((c) => vectors.has(c.id))) upsert.vectors = chunks.map((c) => vectors.get(c.id)!);
      return upsert;
    });
    const withVectors = upserts.some((u) => u.vectors !== undefined);
    await to.doWrite({ upserts, ...(withVectors ? { embedderId: source.embedderId ?? 'unknown' } : {}) });
    copied += documents.length;
    options.onProgress?.({ documents: copied, total: summaries.length });
  }
  const target = await to.doStats();
  const mismatched = (['documents', 'chunks', 'vectors'] as const).filter((key) => target[key] !== source[key]);
  if (mismatched.length > 0) {
    throw new TailorError('INTERNAL', `The copy does not match its source (${mismatched.map((k) => `${k}: ${source[k]} → ${target[k]}`).join(', ')}); the source is untouched: empty the target and run the migration again.`, {
      details: { source, target },
    });
  }
  return { documents: target.documents, chunks: target.chunks, vectors: target.vectors, source, target };
}
