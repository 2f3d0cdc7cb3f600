import type { Chunk, DocumentRecord, DocumentSummary, Filter } from '../core/types.js';

export interface DocumentUpsert {
  document: DocumentRecord;
  chunks: Chunk[];
  /** One vector per chunk, same order, when an embedder is configured. */
  vectors?: Float32Array[];
}

/** Everything in one StoreWrite commits atomically or not at all. */
export interface StoreWrite {
  /** Replaces any stored document with the same id: its old chunks and vectors are gone. */
  upserts?: DocumentUpsert[];
  /** Document ids to erase with everything derived from them. */
  deletes?: string[];
  /** Identity of the embedder that made `vectors` (e.g. "wink-sif:100"); a mismatch is refused. */
  embedderId?: string;
}

export interface StoreWriteResult {
  upserted: number;
  deleted: number;
  chunksAdded: number;
  chunksRemoved: number;
  generation: number;
}

export interface ScoredChunkId {
  chunkId: string;
  score: number;
  /**
   * The passage prior of the chunk's form (passage-prior.ts), when the store keeps it with its
   * index; without it the retriever reads the chunk's text to compute it.
   */
  prior?: number;
}

export interface StoreQuery {
  /** Keyword leg (BM25). */
  text?: string;
  /** Vector leg (cosine). */
  vector?: Float32Array;
  k: number;
  filter?: Filter;
}

export interface StoreQueryResult {
  keyword: ScoredChunkId[];
  vector: ScoredChunkId[];
}

export interface ChunkLookup {
  ids?: string[];
  /** Find chunks by normalised text hash (exact-duplicate detection). */
  textHashes?: string[];
  documentIds?: string[];
  filter?: Filter;
}

export interface DocumentLookup {
  filter?: Filter;
  ids?: string[];
  sources?: string[];
  contentHashes?: string[];
  /** Include `text` and `pages` (costly for big collections). */
  withText?: boolean;
}

export interface CollectionStats {
  name: string;
  documents: number;
  chunks: number;
}

export interface StoreStats {
  documents: number;
  chunks: number;
  vectors: number;
  collections: CollectionStats[];
  embedderId?: string;
  generation: number;
}

/**
 * The system of record plus its indexes. Narrow on purpose: a Postgres + pgvector
 * backend implements the same six calls.
 */
export interface Store {
  doWrite(write: StoreWrite): Promise<StoreWriteResult>;
  doQuery(query: StoreQuery): Promise<StoreQueryResult>;
  doGetChunks(lookup: ChunkLookup): Promise<Array<{ chunk: Chunk; document: DocumentSummary }>>;
  doListDocuments(lookup: DocumentLookup): Promise<Array<DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>>>>;
  doStats(): Promise<StoreStats>;
  /**
   * After an erasure: make sure no copy of removed text is left in the store's files
   * (write-ahead log, free pages, index snapshots). Optional; stores without such files omit it.
   */
  doReclaim?(): Promise<ReclaimResult>;
  /** The stored vectors of these chunks, for copying a store (`tailor store migrate`); chunks without one are absent. */
  doGetVectors?(chunkIds: string[]): Promise<Map<string, Float32Array>>;
  /**
   * Set when the store is a database other processes share (PostgreSQL): its pool and schema, so
   * a server keeps its job queue and keys beside the documents and every replica sees them.
   */
  readonly sharedDatabase?: SharedDatabase;
  close(): Promise<void>;
}

/** A PostgreSQL pool (the `pg` package's) and the schema holding Tailor's tables. */
export interface SharedDatabase {
  pool: import('pg').Pool;
  schema: string;
}

export interface ReclaimResult {
  /** Files rewritten or truncated so erased text no longer lies in them. */
  files: string[];
}
