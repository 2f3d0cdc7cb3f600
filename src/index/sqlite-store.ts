/**
 * The embedded Store: SQLite (one file, WAL) is the system of record; BM25 and
 * vector search run on in-memory indexes kept in step with it (memory-indexes.ts).
 */
import path from 'node:path';
import { TailorError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Chunk, DocumentRecord, DocumentSummary, Filter } from '../core/types.js';
import { analyze } from './analyzer.js';
import type { Bm25Params } from './bm25.js';
import { filterToSql, isEmptyFilter } from './filter-sql.js';
import { GRAPH_FILE, MemoryIndexes, SNAPSHOT_FILE } from './memory-indexes.js';
import type { HnswOptions } from './hnsw.js';
import { priorOfCode } from './passage-prior.js';
import { selectChunks, selectDocuments } from './rows.js';
import { DATABASE_FILE, openDatabase, readMeta, toStoreError, type Db } from './schema.js';
import type {
  ChunkLookup,
  DocumentLookup,
  StoreQuery,
  StoreQueryResult,
  StoreStats,
  Store,
  ReclaimResult,
  ScoredChunkId,
  StoreWrite,
  StoreWriteResult,
} from './store.js';
import { checkWrite, commitWrite } from './write.js';

export interface SqliteStoreOptions {
  /** Directory holding store.db and the BM25 snapshot; created if missing. */
  home: string;
  logger?: Logger;
  bm25?: Partial<Bm25Params>;
  /** Chunks changed before a BM25 snapshot is written outside close() (default 50,000). */
  snapshotAfterChanges?: number;
  /** HNSW over vectors for large stores (default: on, exact scan below 20,000 vectors); false: exact scan always. */
  ann?: HnswOptions | false;
}

const ALLOWED_CACHE_SIZE = 32;

export class SqliteStore implements Store {
  private closed = false;
  /** Allowed-document bitmaps per filter, valid for one generation. */
  private allowedCache = new Map<string, Uint8Array>();
  private allowedCacheGeneration = -1;

  private constructor(
    private readonly db: Db,
    private readonly indexes: MemoryIndexes,
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  static open(options: SqliteStoreOptions): SqliteStore {
    const logger = options.logger ?? silentLogger;
    const db = openDatabase(options.home);
    const file = path.join(options.home, DATABASE_FILE);
    try {
      const storeId = readMeta(db, 'store_id') ?? '';
      const indexes = new MemoryIndexes(
        db,
        options.home,
        storeId,
        { bm25: options.bm25, snapshotAfterChanges: options.snapshotAfterChanges ?? 50_000, ann: options.ann },
        logger,
      );
      indexes.open();
      return new SqliteStore(db, indexes, file, logger);
    } catch (error) {
      db.close();
      throw toStoreError(error, file);
    }
  }

  async doWrite(write: StoreWrite): Promise<StoreWriteResult> {
    this.assertOpen();
    const checked = checkWrite(write);
    let committed;
    try {
      committed = commitWrite(this.db, write, checked);
    } catch (error) {
      throw toStoreError(error, this.file);
    }
    this.indexes.applyCommitted(committed.changes, committed.generation - 1, committed.generation);
    this.logger.log('debug', 'store write committed', { ...committed.result });
    return committed.result;
  }

  async doQuery(query: StoreQuery): Promise<StoreQueryResult> {
    this.assertOpen();
    const result: StoreQueryResult = { keyword: [], vector: [] };
    if (!(query.k > 0)) return result;
    this.indexes.catchUp();
    const allowed = this.allowedDocuments(query.filter);
    if (query.text !== undefined && query.text.trim() !== '') {
      result.keyword = this.indexes.bm25.search(analyze(query.text), query.k, allowed).map(({ chunkId, score, passage }) => ({ chunkId, score, prior: priorOfCode(passage) }));
    }
    if (query.vector !== undefined) {
      const vectors = this.indexes.vectorIndex();
      if (vectors !== null) {
        if (query.vector.length !== vectors.dimensions) {
          throw new TailorError(
            'EMBEDDER_MISMATCH',
            `The query vector has ${query.vector.length} dimensions but this store's vectors have ${vectors.dimensions}. Embed queries with the embedder the store was indexed with (${readMeta(this.db, 'embedder_id') ?? 'unknown'}).`,
            { details: { queryDimensions: query.vector.length, storeDimensions: vectors.dimensions } },
          );
        }
        result.vector = vectors.search(query.vector, query.k, allowed).map(this.withPrior);
      }
    }
    return result;
  }

  /** Every chunk the store holds is in the BM25 index, which keeps its passage kind: no row read for the prior. */
  private readonly withPrior = (hit: ScoredChunkId): ScoredChunkId => {
    const code = this.indexes.bm25.passageOf(hit.chunkId);
    return code === undefined ? hit : { ...hit, prior: priorOfCode(code) };
  };

  async doGetChunks(lookup: ChunkLookup): Promise<Array<{ chunk: Chunk; document: DocumentSummary }>> {
    this.assertOpen();
    return this.read(() => selectChunks(this.db, lookup));
  }

  async doListDocuments(lookup: DocumentLookup): Promise<Array<DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>>>> {
    this.assertOpen();
    return this.read(() => selectDocuments(this.db, lookup));
  }

  async doStats(): Promise<StoreStats> {
    this.assertOpen();
    return this.read(() =>
      this.db.transaction(() => {
        const collections = this.db
          .prepare(
            `SELECT d.collection AS name, COUNT(DISTINCT d.doc_key) AS documents, COUNT(c.chunk_key) AS chunks
             FROM documents d LEFT JOIN chunks c ON c.doc_key = d.doc_key GROUP BY d.collection ORDER BY d.collection`,
          )
          .all() as Array<{ name: string; documents: number; chunks: number }>;
        const vectors = (this.db.prepare('SELECT COUNT(*) AS n FROM vectors').get() as { n: number }).n;
        const embedderId = readMeta(this.db, 'embedder_id');
        const stats: StoreStats = {
          documents: collections.reduce((sum, c) => sum + c.documents, 0),
          chunks: collections.reduce((sum, c) => sum + c.chunks, 0),
          vectors,
          collections,
          generation: Number(readMeta(this.db, 'generation') ?? 0),
        };
        if (embedderId !== undefined) stats.embedderId = embedderId;
        return stats;
      })(),
    );
  }

  /**
   * secure_delete (set on open) zeroes the erased rows' bytes in the database pages; this copies
   * those pages back from the write-ahead log and truncates it, so older page images holding the
   * erased text go too, and rewrites the BM25 snapshot without the erased postings.
   */
  async doReclaim(): Promise<ReclaimResult> {
    this.assertOpen();
    this.read(() => this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)'));
    this.indexes.writeSnapshot();
    return { files: [this.file, this.file + '-wal', path.join(path.dirname(this.file), SNAPSHOT_FILE), path.join(path.dirname(this.file), GRAPH_FILE)] };
  }

  async doGetVectors(chunkIds: string[]): Promise<Map<string, Float32Array>> {
    this.assertOpen();
    const rows = this.read(
      () =>
        this.db
          .prepare('SELECT c.id, v.data FROM vectors v JOIN chunks c ON c.chunk_key = v.chunk_key WHERE c.id IN (SELECT value FROM json_each(?))')
          .all(JSON.stringify(chunkIds)) as Array<{ id: string; data: Buffer }>,
    );
    return new Map(rows.map((row) => [row.id, new Float32Array(new Uint8Array(row.data).buffer)]));
  }

  /** Writes the BM25 snapshot now (close() does this too). */
  async flush(): Promise<void> {
    this.assertOpen();
    this.indexes.writeSnapshot();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.indexes.hasUnsnapshottedChanges()) this.indexes.writeSnapshot();
    } catch (error) {
      this.logger.log('warn', 'Could not write the BM25 snapshot; it will be rebuilt on next open', { error: (error as Error).message });
    } finally {
      this.db.close();
    }
  }

  /** Null when the filter allows everything; otherwise a bitmap over document keys. */
  private allowedDocuments(filter: Filter | undefined): Uint8Array | null {
    if (isEmptyFilter(filter)) return null;
    const generation = this.indexes.generation;
    if (this.allowedCacheGeneration !== generation) {
      this.allowedCache.clear();
      this.allowedCacheGeneration = generation;
    }
    const key = JSON.stringify(filter);
    const cached = this.allowedCache.get(key);
    if (cached) return cached;
    const sql = filterToSql(filter);
    const keys = this.read(
      () => this.db.prepare(`SELECT d.doc_key FROM documents d WHERE ${sql.where}`).pluck().all(...sql.params) as number[],
    );
    let max = 0;
    for (const docKey of keys) if (docKey > max) max = docKey;
    const allowed = new Uint8Array(max + 1);
    for (const docKey of keys) allowed[docKey] = 1;
    if (this.allowedCache.size >= ALLOWED_CACHE_SIZE) this.allowedCache.clear();
    this.allowedCache.set(key, allowed);
    return allowed;
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, this.file);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new TailorError('INVALID_ARGUMENT', `The store at ${this.file} is closed; open it again with createSqliteStore().`);
  }
}

export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  return SqliteStore.open(options);
}
