/**
 * The vector leg in SQL (the keyword leg is keyword.ts), filters applied in the same statement (before ranking).
 *
 * Vector: pgvector's cosine distance; exact (a sort over the filtered rows) below `exactBelow`
 * stored vectors, through the HNSW index above it (with iterative scans, so a filter never
 * starves the result). Without pgvector, exact-vectors.ts scans a per-generation copy in the process.
 */
import type pg from 'pg';
import type { Filter } from '../../core/types.js';
import type { ScoredChunkId } from '../store.js';
import type { ExactVectorCache } from './exact-vectors.js';
import { filterWhere, Params } from './filter.js';
import type { Tables } from './schema.js';

export interface VectorSearchOptions {
  pgvector: boolean;
  /** Below this many stored vectors the search is an exact sort; above it, the HNSW index. */
  exactBelow: number;
  /** HNSW candidate list size (hnsw.ef_search); at least k. */
  efSearch: number;
  /** Without pgvector: this process's copy of the vectors, valid for one generation. */
  exactCache: ExactVectorCache;
  /** The store's generation when the query began. */
  generation: number;
}

export async function vectorSearch(
  db: pg.Pool,
  t: Tables,
  vector: Float32Array,
  k: number,
  filter: Filter | undefined,
  options: VectorSearchOptions,
): Promise<ScoredChunkId[]> {
  if (!options.pgvector) return options.exactCache.search(db, t, options.generation, vector, k, filter);
  const params = new Params();
  const q = params.add(`[${Array.from(vector).join(',')}]`);
  const where = await filterWhere(db, t, filter, params);
  const limit = params.add(k);
  const from = `FROM ${t.vectors} v JOIN ${t.chunks} c ON c.chunk_key = v.chunk_key JOIN ${t.documents} d ON d.doc_key = c.doc_key WHERE ${where}`;
  const count = await db.query<{ n: string }>(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass($1)`, [`${t.schema}.vectors`]);
  let approxRows = Number(count.rows[0]?.n ?? 0);
  if (approxRows < 0) approxRows = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.vectors}`)).rows[0]!.n); // never analysed
  if (approxRows < options.exactBelow) {
    // The tie-breaking sort key keeps the planner off the HNSW index: this is the exact answer.
    const { rows } = await db.query<{ id: string; distance: number }>(
      `SELECT c.id, v.embedding <=> ${q}::vector AS distance ${from} ORDER BY distance, c.id COLLATE "C" LIMIT ${limit}`,
      params.values,
    );
    return rows.map((row) => ({ chunkId: row.id, score: 1 - Number(row.distance) }));
  }
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL hnsw.ef_search = ${Math.max(options.efSearch, k) | 0}`);
    // pgvector ≥ 0.8 keeps scanning the graph until k rows pass the filter; older versions lack the setting.
    await client.query('SAVEPOINT iterative');
    await client.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`).catch(() => client.query('ROLLBACK TO SAVEPOINT iterative'));
    const { rows } = await client.query<{ id: string; distance: number }>(
      `SELECT c.id, v.embedding <=> ${q}::vector AS distance ${from} ORDER BY v.embedding <=> ${q}::vector LIMIT ${limit}`,
      params.values,
    );
    await client.query('COMMIT');
    // relaxed_order may return rows slightly out of order: restore it, ties by id as everywhere.
    return rows
      .map((row) => ({ chunkId: row.id, score: 1 - Number(row.distance) }))
      .sort((a, b) => b.score - a.score || (a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
