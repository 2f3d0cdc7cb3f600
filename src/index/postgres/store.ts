/**
 * The PostgreSQL Store: documents, chunks, vectors and BM25 statistics in tables of one schema;
 * every write one transaction; keyword and vector search in SQL with the filter inside. Holds no
 * index in the process (bar, without pgvector, a copy of the vectors checked against the database's
 * generation on every query), so several processes on one database answer from the same state.
 */
import pg from 'pg';
import { TailorError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Chunk, DocumentRecord, DocumentSummary } from '../../core/types.js';
import { analyze } from '../analyzer.js';
import { DEFAULT_BM25_PARAMS, type Bm25Params } from '../bm25.js';
import type { ChunkLookup, DocumentLookup, SharedDatabase, Store, StoreQuery, StoreQueryResult, StoreStats, StoreWrite, StoreWriteResult } from '../store.js';
import { prepareWrite } from '../write.js';
import { ExactVectorCache } from './exact-vectors.js';
import { keywordSearch, vectorSearch } from './query.js';
import { selectChunks, selectDocuments } from './rows.js';
import { initialiseSchema, readMeta, tablesIn, toPgStoreError, type Tables } from './schema.js';
import { commitPgWrite } from './write.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database[?schema=name]; or pass `pool`. */
  connectionString?: string;
  /** A pool the caller owns (it is not ended by close()). */
  pool?: pg.Pool;
  /** The schema holding Tailor's tables (default "tailor", or the URL's `schema` parameter). */
  schema?: string;
  /** Pool size when the store makes its pool (default 10). */
  maxConnections?: number;
  /** "auto" uses pgvector when the extension exists or can be created; "off" always scans exactly. */
  pgvector?: 'auto' | 'off';
  /** Stored vectors below which vector search is an exact sort rather than an HNSW walk (default 20,000). */
  exactBelow?: number;
  /** HNSW candidate list size at query time (default 100). */
  efSearch?: number;
  bm25?: Partial<Bm25Params>;
  logger?: Logger;
}

/** Splits Tailor's own `schema` parameter off a connection URL (pg would pass it to the server). */
export function parsePostgresSpec(spec: string): { connectionString: string; schema?: string } {
  let url: URL;
  try {
    url = new URL(spec);
  } catch (cause) {
    throw new TailorError('INVALID_ARGUMENT', `The store URL is not a valid URL: use postgres://user:password@host:5432/database[?schema=name].`, { cause });
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), ...(schema ? { schema } : {}) };
}

/** The URL with its password hidden, for messages and logs. */
export function redactPostgresUrl(spec: string): string {
  return spec.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:…@');
}

export class PostgresStore implements Store {
  private closed = false;
  private readonly exactVectors = new ExactVectorCache();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    private readonly t: Tables,
    readonly storeId: string,
    /** Whether vectors go through pgvector (HNSW) rather than an exact scan in the process. */
    readonly pgvector: boolean,
    private readonly options: { exactBelow: number; efSearch: number; bm25: Bm25Params },
    private readonly logger: Logger,
  ) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const logger = options.logger ?? silentLogger;
    let pool = options.pool;
    let schema = options.schema;
    if (!pool) {
      if (!options.connectionString) throw new TailorError('INVALID_ARGUMENT', 'createPostgresStore needs a connectionString (postgres://…) or a pool.');
      const parsed = parsePostgresSpec(options.connectionString);
      schema ??= parsed.schema;
      pool = new pg.Pool({ connectionString: parsed.connectionString, max: options.maxConnections ?? 10 });
      // An idle client losing its server must not crash the process; the next query reports it.
      pool.on('error', (error) => logger.log('warn', 'Postgres connection lost', { error: error.message }));
    }
    const t = tablesIn(schema ?? 'tailor');
    try {
      const opened = await initialiseSchema(pool, t, { pgvector: options.pgvector ?? 'auto' });
      logger.log('debug', 'Postgres store opened', { schema: t.schema, pgvector: opened.pgvector });
      return new PostgresStore(pool, !options.pool, t, opened.storeId, opened.pgvector, {
        exactBelow: options.exactBelow ?? 20_000,
        efSearch: options.efSearch ?? 100,
        bm25: { ...DEFAULT_BM25_PARAMS, ...options.bm25 },
      }, logger);
    } catch (error) {
      if (!options.pool) await pool.end().catch(() => undefined);
      throw toPgStoreError(error, t.schema);
    }
  }

  /** Jobs and keys of a server on this store live in the same schema (src/server/*-postgres.ts). */
  get sharedDatabase(): SharedDatabase {
    return { pool: this.pool, schema: this.t.schema };
  }

  async doWrite(write: StoreWrite): Promise<StoreWriteResult> {
    this.assertOpen();
    const prepared = prepareWrite(write);
    const client = await this.connect();
    try {
      const result = await commitPgWrite(client, { t: this.t, pgvector: this.pgvector }, write, prepared);
      this.logger.log('debug', 'store write committed', { ...result });
      return result;
    } catch (error) {
      throw toPgStoreError(error, this.t.schema);
    } finally {
      client.release();
    }
  }

  async doQuery(query: StoreQuery): Promise<StoreQueryResult> {
    this.assertOpen();
    const result: StoreQueryResult = { keyword: [], vector: [] };
    if (!(query.k > 0)) return result;
    return this.run(async () => {
      if (query.text !== undefined && query.text.trim() !== '') {
        result.keyword = await keywordSearch(this.pool, this.t, analyze(query.text), query.k, query.filter, this.options.bm25);
      }
      if (query.vector !== undefined) {
        const meta = new Map(
          (await this.pool.query<{ key: string; value: string }>(`SELECT key, value FROM ${this.t.meta} WHERE key IN ('vector_dims', 'generation')`)).rows.map((r) => [r.key, r.value]),
        );
        const dims = Number(meta.get('vector_dims') ?? 0);
        if (dims > 0) {
          if (query.vector.length !== dims) {
            throw new TailorError(
              'EMBEDDER_MISMATCH',
              `The query vector has ${query.vector.length} dimensions but this store's vectors have ${dims}. Embed queries with the embedder the store was indexed with (${(await readMeta(this.pool, this.t, 'embedder_id')) ?? 'unknown'}).`,
              { details: { queryDimensions: query.vector.length, storeDimensions: dims } },
            );
          }
          result.vector = await vectorSearch(this.pool, this.t, query.vector, query.k, query.filter, {
            pgvector: this.pgvector,
            ...this.options,
            exactCache: this.exactVectors,
            generation: Number(meta.get('generation') ?? 0),
          });
        }
      }
      return result;
    });
  }

  async doGetChunks(lookup: ChunkLookup): Promise<Array<{ chunk: Chunk; document: DocumentSummary }>> {
    this.assertOpen();
    return this.run(() => selectChunks(this.pool, this.t, lookup));
  }

  async doListDocuments(lookup: DocumentLookup): Promise<Array<DocumentSummary & Partial<Pick<DocumentRecord, 'text' | 'pages'>>>> {
    this.assertOpen();
    return this.run(() => selectDocuments(this.pool, this.t, lookup));
  }

  async doGetVectors(chunkIds: string[]): Promise<Map<string, Float32Array>> {
    this.assertOpen();
    const { rows } = await this.run(() =>
      this.pool.query<{ id: string; data: Buffer }>(
        `SELECT c.id, v.data FROM ${this.t.vectors} v JOIN ${this.t.chunks} c ON c.chunk_key = v.chunk_key WHERE c.id = ANY($1::text[])`,
        [chunkIds],
      ),
    );
    return new Map(rows.map((row) => [row.id, new Float32Array(new Uint8Array(row.data).buffer)]));
  }

  async doStats(): Promise<StoreStats> {
    this.assertOpen();
    const t = this.t;
    return this.run(async () => {
      const client = await this.connect();
      try {
        // One snapshot for every count, as the embedded store reads them in one transaction.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const collections = (
          await client.query<{ name: string; documents: string; chunks: string }>(
            `SELECT d.collection AS name, count(DISTINCT d.doc_key) AS documents, count(c.chunk_key) AS chunks
             FROM ${t.documents} d LEFT JOIN ${t.chunks} c ON c.doc_key = d.doc_key GROUP BY d.collection ORDER BY d.collection COLLATE "C"`,
          )
        ).rows.map((row) => ({ name: row.name, documents: Number(row.documents), chunks: Number(row.chunks) }));
        const vectors = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.vectors}`)).rows[0]!.n);
        const meta = new Map(
          (await client.query<{ key: string; value: string }>(`SELECT key, value FROM ${t.meta} WHERE key IN ('embedder_id', 'generation')`)).rows.map((r) => [r.key, r.value]),
        );
        await client.query('COMMIT');
        const stats: StoreStats = {
          documents: collections.reduce((sum, c) => sum + c.documents, 0),
          chunks: collections.reduce((sum, c) => sum + c.chunks, 0),
          vectors,
          collections,
          generation: Number(meta.get('generation') ?? 0),
        };
        const embedderId = meta.get('embedder_id');
        if (embedderId !== undefined) stats.embedderId = embedderId;
        return stats;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw toPgStoreError(error, this.t.schema);
    }
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toPgStoreError(error, this.t.schema);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new TailorError('INVALID_ARGUMENT', `The Postgres store (schema "${this.t.schema}") is closed; open it again with createPostgresStore().`);
  }
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  return PostgresStore.open(options);
}
