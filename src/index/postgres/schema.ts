/**
 * The PostgreSQL store's tables, created on first open inside one schema (default "tailor"),
 * and the mapping of driver failures onto the library's error codes.
 *
 * BM25 statistics live in tables too (`terms`: document frequency per term, `postings`: per
 * chunk and term the body/field counts, `bm25_stats`: live chunk count and length totals), all
 * updated in the write's transaction, so every replica computes the same scores from one state.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { TailorError } from '../../core/errors.js';

export const PG_SCHEMA_VERSION = 1;

/** Quoted, schema-qualified table names: every statement names its tables through these. */
export interface Tables {
  schema: string;
  meta: string;
  documents: string;
  chunks: string;
  vectors: string;
  terms: string;
  postings: string;
  stats: string;
}

export function tablesIn(schema: string): Tables {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TailorError('INVALID_ARGUMENT', `The Postgres schema name "${schema}" is not allowed: use lowercase letters, digits and _ (e.g. tailor or team_docs).`);
  }
  const q = (name: string) => `"${schema}"."${name}"`;
  return {
    schema,
    meta: q('meta'),
    documents: q('documents'),
    chunks: q('chunks'),
    vectors: q('vectors'),
    terms: q('terms'),
    postings: q('postings'),
    stats: q('bm25_stats'),
  };
}

function schemaSql(t: Tables): string {
  return `
CREATE SCHEMA IF NOT EXISTS "${t.schema}";
CREATE TABLE IF NOT EXISTS ${t.meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${t.documents} (
  doc_key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  collection TEXT NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  format TEXT NOT NULL,
  modified_at TEXT NOT NULL,
  modified_ms DOUBLE PRECISION,
  ingested_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  text TEXT NOT NULL,
  pages TEXT,
  signature TEXT,
  redactions TEXT,
  metadata TEXT
);
CREATE INDEX IF NOT EXISTS documents_collection_source ON ${t.documents} (collection, source);
CREATE INDEX IF NOT EXISTS documents_source ON ${t.documents} (source);
CREATE INDEX IF NOT EXISTS documents_content_hash ON ${t.documents} (content_hash);
CREATE TABLE IF NOT EXISTS ${t.chunks} (
  chunk_key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc_key BIGINT NOT NULL REFERENCES ${t.documents} (doc_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  heading_path TEXT NOT NULL,
  page INTEGER,
  token_count INTEGER NOT NULL,
  text_hash TEXT NOT NULL,
  body_len INTEGER NOT NULL,
  field_len INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON ${t.chunks} (doc_key, ordinal);
CREATE INDEX IF NOT EXISTS chunks_text_hash ON ${t.chunks} (text_hash);
CREATE TABLE IF NOT EXISTS ${t.vectors} (
  chunk_key BIGINT PRIMARY KEY REFERENCES ${t.chunks} (chunk_key) ON DELETE CASCADE,
  data BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS ${t.terms} (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
-- body_tf/field_tf saturate at 255, as the in-memory index packs them, so scores agree exactly.
-- The chunk's document and lengths are copied in, so scoring reads postings alone (no join per posting).
CREATE TABLE IF NOT EXISTS ${t.postings} (
  term TEXT NOT NULL,
  chunk_key BIGINT NOT NULL REFERENCES ${t.chunks} (chunk_key) ON DELETE CASCADE,
  doc_key BIGINT NOT NULL,
  body_tf SMALLINT NOT NULL,
  field_tf SMALLINT NOT NULL,
  body_len INTEGER NOT NULL,
  field_len INTEGER NOT NULL,
  PRIMARY KEY (term, chunk_key)
);
CREATE INDEX IF NOT EXISTS postings_chunk ON ${t.postings} (chunk_key);
-- Every column scoring reads, in the index: a term's postings are read by an index-only scan from
-- contiguous leaf pages, not one heap page per posting (4x faster at 100k chunks; bench/RESULTS.md).
CREATE INDEX IF NOT EXISTS postings_term_cover ON ${t.postings} (term) INCLUDE (chunk_key, doc_key, body_tf, field_tf, body_len, field_len);
CREATE TABLE IF NOT EXISTS ${t.stats} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  chunks BIGINT NOT NULL,
  body_total BIGINT NOT NULL,
  field_total BIGINT NOT NULL
);
`;
}

export interface OpenedSchema {
  storeId: string;
  /** pgvector is installed in this database and the vectors table has its column. */
  pgvector: boolean;
}

/**
 * Creates the tables if needed (serialised by an advisory lock, so replicas opening at once do
 * not race) and checks the schema version. pgvector is used when `CREATE EXTENSION vector`
 * succeeds (or the extension already exists); otherwise vectors are scanned exactly.
 */
export async function initialiseSchema(pool: pg.Pool, t: Tables, options: { pgvector: 'auto' | 'off' }): Promise<OpenedSchema> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tailor:${t.schema}`]);
    await client.query(schemaSql(t));
    const stored = await client.query<{ value: string }>(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`);
    const version = stored.rows[0]?.value;
    if (version !== undefined && Number(version) > PG_SCHEMA_VERSION) {
      throw new TailorError(
        'STORE_CORRUPT',
        `The Postgres store in schema "${t.schema}" was written by a newer version of Tailor (schema ${version}; this version reads up to ${PG_SCHEMA_VERSION}). Upgrade Tailor to open it.`,
        { details: { schema: t.schema, schemaVersion: Number(version), supported: PG_SCHEMA_VERSION } },
      );
    }
    if (version === undefined) {
      await client.query(
        `INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', $1), ('generation', '0'), ('store_id', $2) ON CONFLICT (key) DO NOTHING`,
        [String(PG_SCHEMA_VERSION), randomUUID()],
      );
      await client.query(`INSERT INTO ${t.stats} (id, chunks, body_total, field_total) VALUES (1, 0, 0, 0) ON CONFLICT (id) DO NOTHING`);
    }
    await client.query('COMMIT');
    const pgvector = options.pgvector === 'auto' && (await enablePgvector(client, t));
    const storeId = (await client.query<{ value: string }>(`SELECT value FROM ${t.meta} WHERE key = 'store_id'`)).rows[0]!.value;
    return { storeId, pgvector };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw toPgStoreError(error, t.schema);
  } finally {
    client.release();
  }
}

async function enablePgvector(client: pg.PoolClient, t: Tables): Promise<boolean> {
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tailor:${t.schema}`]);
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    await client.query(`ALTER TABLE ${t.vectors} ADD COLUMN IF NOT EXISTS embedding vector`);
    await backfillEmbeddings(client, t);
    await client.query('COMMIT');
    return true;
  } catch {
    // No pgvector on this server (or no right to create it): exact scans over the stored bytes.
    await client.query('ROLLBACK').catch(() => undefined);
    return false;
  }
}

/**
 * Vectors stored before pgvector was installed have only their bytes: give the column its
 * dimension and copy them in, so the index sees every vector.
 */
async function backfillEmbeddings(client: pg.PoolClient, t: Tables): Promise<void> {
  const dims = Number((await readMeta(client, t, 'vector_dims')) ?? 0);
  if (dims <= 0) return;
  const typmod = await client.query<{ typmod: number }>(
    `SELECT atttypmod AS typmod FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'embedding'`,
    [`"${t.schema}".vectors`],
  );
  if ((typmod.rows[0]?.typmod ?? -1) !== dims) await shapeVectorColumn(client, t, dims);
  for (;;) {
    const { rows } = await client.query<{ chunk_key: string; data: Buffer }>(`SELECT chunk_key, data FROM ${t.vectors} WHERE embedding IS NULL LIMIT 1000`);
    if (rows.length === 0) return;
    const texts = rows.map((row) => `[${Array.from(new Float32Array(new Uint8Array(row.data).buffer)).join(',')}]`);
    await client.query(
      `UPDATE ${t.vectors} v SET embedding = u.e::vector FROM unnest($1::bigint[], $2::text[]) AS u(k, e) WHERE v.chunk_key = u.k`,
      [rows.map((row) => row.chunk_key), texts],
    );
  }
}

/**
 * Gives the embedding column its dimension and (re)builds the HNSW index. Runs inside the write
 * transaction that first stores vectors of a new dimension, when no vector is stored.
 */
export async function shapeVectorColumn(client: pg.PoolClient, t: Tables, dimensions: number): Promise<void> {
  await client.query(`DROP INDEX IF EXISTS "${t.schema}".vectors_hnsw`);
  await client.query(`ALTER TABLE ${t.vectors} ALTER COLUMN embedding TYPE vector(${dimensions})`);
  await client.query(`CREATE INDEX vectors_hnsw ON ${t.vectors} USING hnsw (embedding vector_cosine_ops)`);
}

export async function readMeta(client: pg.Pool | pg.PoolClient, t: Tables, key: string): Promise<string | undefined> {
  const result = await client.query<{ value: string }>(`SELECT value FROM ${t.meta} WHERE key = $1`, [key]);
  return result.rows[0]?.value;
}

export async function writeMeta(client: pg.PoolClient, t: Tables, key: string, value: string): Promise<void> {
  await client.query(`INSERT INTO ${t.meta} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, value]);
}

/** Postgres SQLSTATE classes that mean "the server is not there or not taking us". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '57P01', '57P03', '53300', '08001', '08006', '3D000', '28P01', '28000']);

/** Maps pg failures onto the library's error codes, never leaking the connection password. */
export function toPgStoreError(error: unknown, schema: string): TailorError {
  if (error instanceof TailorError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  const message = (error as Error).message ?? String(error);
  if (UNAVAILABLE_CODES.has(code) || /connect|terminat|timeout/i.test(message)) {
    return new TailorError('STORE_UNAVAILABLE', `Cannot reach the Postgres store (${message}). Check that the server is running and that the URL, user and password in --store / TAILOR_STORE are right.`, {
      cause: error,
      details: { schema, sqlstate: code },
    });
  }
  if (code === '40001' || code === '40P01' || code === '55P03') {
    return new TailorError('STORE_LOCKED', `The Postgres store is busy (${message}). Try again.`, { cause: error, details: { schema, sqlstate: code } });
  }
  return new TailorError('INTERNAL', `Postgres store failure in schema "${schema}": ${message}`, { cause: error, details: { schema, sqlstate: code } });
}
