/**
 * One StoreWrite = one SQLite transaction: deletes, then upserts (each replacing
 * the stored document of the same id with all its chunks and vectors), the
 * change log and the generation bump all commit together or not at all.
 */
import { TailorError } from '../core/errors.js';
import { analyze, fieldText } from './analyzer.js';
import { contextTermsFor, documentContext } from './document-context.js';
import { passageCode } from './passage-prior.js';
import type { CommittedChange } from './memory-indexes.js';
import { chunkParams, documentParams, INSERT_CHUNK_SQL, INSERT_DOCUMENT_SQL } from './rows.js';
import { readMeta, writeMeta, type Db } from './schema.js';
import type { Chunk, DocumentRecord } from '../core/types.js';
import type { StoreWrite, StoreWriteResult } from './store.js';

/** Analysed text per upsert and chunk, computed before the transaction so it stays short (the PostgreSQL store stores it). */
export interface PreparedWrite {
  tokens: Array<Array<{ body: string[]; field: string[] }>>;
  vectorDimensions: number | null;
}

/** Refuses a malformed write before any transaction; the vectors' dimensions when it has vectors. */
export function checkWrite(write: StoreWrite): { vectorDimensions: number | null } {
  let vectorDimensions: number | null = null;
  (write.upserts ?? []).forEach(({ document, chunks, vectors }, i) => {
    if (typeof document?.id !== 'string' || document.id === '') {
      throw new TailorError('INVALID_ARGUMENT', `upserts[${i}].document.id must be a non-empty string.`);
    }
    for (const chunk of chunks) {
      if (chunk.documentId !== document.id || chunk.collection !== document.collection) {
        throw new TailorError(
          'INVALID_ARGUMENT',
          `Chunk ${chunk.id} claims document ${chunk.documentId} in collection ${chunk.collection}, but is upserted with document ${document.id} in collection ${document.collection}.`,
          { details: { chunkId: chunk.id, documentId: document.id } },
        );
      }
    }
    if (vectors !== undefined) {
      if (vectors.length !== chunks.length) {
        throw new TailorError('INVALID_ARGUMENT', `Document ${document.id} has ${chunks.length} chunks but ${vectors.length} vectors; give one vector per chunk.`);
      }
      if (!write.embedderId) {
        throw new TailorError('INVALID_ARGUMENT', 'A write with vectors must name the embedder that made them (embedderId).');
      }
      for (const vector of vectors) {
        vectorDimensions ??= vector.length;
        if (vector.length !== vectorDimensions || vector.length === 0) {
          throw new TailorError('INVALID_ARGUMENT', `Vectors in one write must all have the same, non-zero number of dimensions (got ${vector.length} and ${vectorDimensions}).`);
        }
      }
    }
  });
  return { vectorDimensions };
}

/** One upsert's analysed chunks: `tokensOf(j)` analyses chunk j (only chunks after the first get context terms). */
function chunkAnalyser(document: DocumentRecord, chunks: Chunk[]): (j: number) => { body: string[]; field: string[]; passage: number } {
  const context = chunks.length > 1 ? documentContext(document) : { terms: [] };
  return (j) => {
    const chunk = chunks[j]!;
    return {
      body: analyze(chunk.text),
      field: [...analyze(fieldText(document.title, chunk.headingPath)), ...contextTermsFor(context, chunk.ordinal)],
      passage: passageCode(chunk.text),
    };
  };
}

export function prepareWrite(write: StoreWrite): PreparedWrite {
  const { vectorDimensions } = checkWrite(write);
  const tokens = (write.upserts ?? []).map(({ document, chunks }) => {
    const tokensOf = chunkAnalyser(document, chunks);
    return chunks.map((_, j) => tokensOf(j));
  });
  return { tokens, vectorDimensions };
}

export interface CommittedWrite {
  result: StoreWriteResult;
  changes: CommittedChange[];
  generation: number;
}

/**
 * Commits a checked write. Chunks are analysed for the in-memory BM25 index only when it takes them,
 * after the commit, one at a time: a document of thousands of chunks never holds all their tokens at once.
 */
export function commitWrite(db: Db, write: StoreWrite, checked: { vectorDimensions: number | null }): CommittedWrite {
  const findDocument = db.prepare('SELECT doc_key FROM documents WHERE id = ?').pluck();
  const chunkIdsOf = db.prepare('SELECT id FROM chunks WHERE doc_key = ? ORDER BY chunk_key').pluck();
  const deleteDocument = db.prepare('DELETE FROM documents WHERE doc_key = ?');
  const insertDocument = db.prepare(INSERT_DOCUMENT_SQL);
  const insertChunk = db.prepare(INSERT_CHUNK_SQL);
  const insertVector = db.prepare('INSERT INTO vectors (chunk_key, data) VALUES (?, ?)');
  const logChange = db.prepare('INSERT INTO changes (generation, chunk_id) VALUES (?, ?)');

  /** Erases a document (chunks and vectors cascade); its chunk ids, or null when absent. */
  const removeDocument = (id: string): string[] | null => {
    const docKey = findDocument.get(id) as number | undefined;
    if (docKey === undefined) return null;
    const chunkIds = chunkIdsOf.all(docKey) as string[];
    deleteDocument.run(docKey);
    return chunkIds;
  };

  const run = db.transaction((): CommittedWrite => {
    const generation = Number(readMeta(db, 'generation') ?? 0) + 1;
    const changes: CommittedChange[] = [];
    const result: StoreWriteResult = { upserted: 0, deleted: 0, chunksAdded: 0, chunksRemoved: 0, generation };

    for (const id of write.deletes ?? []) {
      const removed = removeDocument(id);
      if (removed === null) continue;
      result.deleted++;
      result.chunksRemoved += removed.length;
      changes.push({ removed, added: [] });
    }
    checkEmbedder(db, write, checked.vectorDimensions);

    (write.upserts ?? []).forEach(({ document, chunks, vectors }) => {
      const removed = removeDocument(document.id) ?? [];
      const tokensOf = chunkAnalyser(document, chunks);
      result.chunksRemoved += removed.length;
      const modifiedMs = Date.parse(document.modifiedAt);
      const docKey = Number(insertDocument.run(...documentParams(document, Number.isNaN(modifiedMs) ? null : modifiedMs)).lastInsertRowid);
      const added: CommittedChange['added'] = chunks.map((chunk, j) => {
        const chunkKey = insertChunk.run(...chunkParams(chunk, docKey)).lastInsertRowid;
        const vector = vectors?.[j];
        if (vector) insertVector.run(chunkKey, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
        return { chunkId: chunk.id, docKey, entry: () => ({ chunkId: chunk.id, docKey, ...tokensOf(j) }), vector };
      });
      result.upserted++;
      result.chunksAdded += chunks.length;
      changes.push({ removed, added });
    });

    for (const change of changes) {
      for (const id of change.removed) logChange.run(generation, id);
      for (const { chunkId } of change.added) logChange.run(generation, chunkId);
    }
    writeMeta(db, 'generation', String(generation));
    return { result, changes, generation };
  });

  try {
    return run.immediate();
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new TailorError('INVALID_ARGUMENT', `The write was refused because a chunk id is used twice (${(error as Error).message}). Chunk ids must be unique across the store.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** One embedder per store: a different one is refused while any vector made by the old one remains. */
function checkEmbedder(db: Db, write: StoreWrite, dimensions: number | null): void {
  if (write.embedderId === undefined) return;
  const storedId = readMeta(db, 'embedder_id');
  const storedDims = Number(readMeta(db, 'vector_dims') ?? 0);
  const changesId = storedId !== undefined && storedId !== write.embedderId;
  const changesDims = dimensions !== null && storedDims > 0 && storedDims !== dimensions;
  if (changesId || changesDims) {
    const hasVectors = db.prepare('SELECT 1 FROM vectors LIMIT 1').get() !== undefined;
    if (hasVectors) {
      throw new TailorError(
        'EMBEDDER_MISMATCH',
        `This store was indexed with embedder "${storedId}" (${storedDims} dimensions) but this write uses "${write.embedderId}"${dimensions !== null ? ` (${dimensions} dimensions)` : ''}. Vectors from different embedders cannot be compared: re-index into a new home, or \`forget\` everything in this one first.`,
        { details: { storedEmbedderId: storedId, storedDimensions: storedDims, embedderId: write.embedderId, dimensions } },
      );
    }
  }
  if (storedId !== write.embedderId) writeMeta(db, 'embedder_id', write.embedderId);
  if (dimensions !== null && storedDims !== dimensions) writeMeta(db, 'vector_dims', String(dimensions));
}
