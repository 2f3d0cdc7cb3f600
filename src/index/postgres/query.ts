/**
 * The two retrieval legs in SQL, filters applied in the same statement (before ranking).
 *
 * Keyword: true BM25 from the stored statistics — idf from `terms.df` and the live chunk count,
 * length normalisation from `bm25_stats` — with the embedded index's formula, field weight and
 * saturation, so scores equal a fresh in-memory build (up to float32 rounding there). Postings
 * carry their chunk's lengths and document, so scoring reads them alone; chunk ids are joined
 * only for the top k.
 *
 * Vector: pgvector's cosine distance; exact (a sort over the filtered rows) below `exactBelow`
 * stored vectors, through the HNSW index above it (with iterative scans, so a filter never
 * starves the result). Without pgvector, exact-vectors.ts scans a per-generation copy in the process.
 */
import type pg from 'pg';
import type { Filter } from '../../core/types.js';
import type { Bm25Params } from '../bm25.js';
import type { ScoredChunkId } from '../store.js';
import type { ExactVectorCache } from './exact-vectors.js';
import { filterWhere, Params } from './filter.js';
import type { Tables } from './schema.js';

export async function keywordSearch(db: pg.Pool, t: Tables, terms: readonly string[], k: number, filter: Filter | undefined, bm25: Bm25Params): Promise<ScoredChunkId[]> {
  const queryCounts = new Map<string, number>();
  for (const term of terms) queryCounts.set(term, (queryCounts.get(term) ?? 0) + 1);
  if (queryCounts.size === 0) return [];
  const params = new Params();
  const termsParam = params.add([...queryCounts.keys()]);
  const countsParam = params.add([...queryCounts.values()]);
  const k1 = params.add(bm25.k1);
  const b = params.add(bm25.b);
  const fw = params.add(bm25.fieldWeight);
  const where = await filterWhere(db, t, filter, params);
  const limit = params.add(k);
  const { rows } = await db.query<{ id: string; score: number }>(
    `WITH s AS (
       SELECT chunks::float8 AS n,
              CASE WHEN chunks = 0 OR body_total + ${fw}::float8 * field_total = 0 THEN 1
                   ELSE (body_total + ${fw}::float8 * field_total) / chunks END AS avgdl
       FROM ${t.stats} WHERE id = 1),
     w AS (
       SELECT q.term, q.qtf * ln(1 + (s.n - tm.df + 0.5) / (tm.df + 0.5)) * (${k1}::float8 + 1) AS weight
       FROM unnest(${termsParam}::text[], ${countsParam}::int[]) AS q(term, qtf)
       JOIN ${t.terms} tm ON tm.term = q.term CROSS JOIN s
       WHERE tm.df > 0),
     scored AS MATERIALIZED (
       SELECT p.chunk_key, sum(w.weight * (p.body_tf + ${fw}::float8 * p.field_tf)
                / ((p.body_tf + ${fw}::float8 * p.field_tf) + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * (p.body_len + ${fw}::float8 * p.field_len) / s.avgdl))) AS score
       FROM w JOIN ${t.postings} p ON p.term = w.term
         ${where === 'TRUE' ? '' : `JOIN ${t.documents} d ON d.doc_key = p.doc_key`}
         CROSS JOIN s
       WHERE (p.body_tf + ${fw}::float8 * p.field_tf) > 0 AND ${where}
       GROUP BY p.chunk_key),
     -- Everything scoring at least the k-th best, so ties at the cut are broken by chunk id, as in memory.
     cut AS (SELECT score FROM scored ORDER BY score DESC OFFSET ${limit}::int - 1 LIMIT 1)
     SELECT c.id, sc.score FROM scored sc JOIN ${t.chunks} c ON c.chunk_key = sc.chunk_key
     WHERE sc.score >= coalesce((SELECT score FROM cut), '-infinity'::float8)
     ORDER BY sc.score DESC, c.id COLLATE "C"
     LIMIT ${limit}`,
    params.values,
  );
  return rows.map((row) => ({ chunkId: row.id, score: Number(row.score) }));
}

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
