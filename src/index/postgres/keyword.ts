/**
 * Keyword search in SQL: true BM25 from the stored statistics — idf from `terms.df` and the live
 * chunk count, length normalisation from `bm25_stats` — with the embedded index's formula, field
 * weight and saturation, so scores equal a fresh in-memory build. Postings carry their chunk's
 * lengths and document, so scoring reads them alone; chunk ids are joined only for the top k.
 *
 * Long posting lists are pruned exactly, MaxScore-style (Turtle & Flood): a term can add at most
 * its weight w = qtf·idf·(k1+1) to any chunk. A first pass scores, fully, the chunks holding the
 * query's rarest terms; its k-th score θ is a floor for the true k-th. Then the commonest terms whose
 * weights sum below θ are "non-essential": a chunk holding none of the other terms cannot reach θ, so
 * only the essential terms' postings are scanned, a candidate is kept when its essential score plus the
 * non-essential weights can still reach θ, and its non-essential terms are looked up by primary key.
 * The result is the same top k as scoring every posting.
 */
import type pg from 'pg';
import type { Filter } from '../../core/types.js';
import type { Bm25Params } from '../bm25.js';
import type { ScoredChunkId } from '../store.js';
import { filterWhere, Params } from './filter.js';
import type { Tables } from './schema.js';

export interface KeywordOptions {
  /** Total postings of the query's terms above which the search prunes (default 50,000). */
  pruneAbove: number;
  /** Postings the first (floor-finding) pass may scan (default 20,000). */
  seedPostings: number;
}

export const DEFAULT_KEYWORD_OPTIONS: KeywordOptions = { pruneAbove: 50_000, seedPostings: 20_000 };
/** Room for float rounding between the bound arithmetic here and the sums in SQL. */
const SLACK = 1e-9;

export async function keywordSearch(
  db: pg.Pool, t: Tables, terms: readonly string[], k: number, filter: Filter | undefined, bm25: Bm25Params, options: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): Promise<ScoredChunkId[]> {
  const queryCounts = new Map<string, number>();
  for (const term of terms) queryCounts.set(term, (queryCounts.get(term) ?? 0) + 1);
  if (queryCounts.size === 0) return [];
  // A bad filter is refused even when no term matches (the statement below would never build it).
  if (filter !== undefined) await filterWhere(db, t, filter, new Params());
  const { rows } = await db.query<{ term: string; df: number; n: string }>(
    `SELECT tm.term, tm.df, s.chunks AS n FROM ${t.terms} tm CROSS JOIN ${t.stats} s WHERE s.id = 1 AND tm.term = ANY($1::text[]) AND tm.df > 0`, [[...queryCounts.keys()]]);
  if (rows.length === 0) return [];
  const postings = rows.reduce((sum, r) => sum + r.df, 0);
  if (postings <= options.pruneAbove) return scoreChunks(db, t, queryCounts, k, filter, bm25, { essential: null, theta: -Infinity, nonEssentialWeight: 0 });

  const n = Number(rows[0]!.n);
  const weight = new Map(rows.map((r) => [r.term, queryCounts.get(r.term)! * Math.log(1 + (n - r.df + 0.5) / (r.df + 0.5)) * (bm25.k1 + 1)]));
  const byWeight = [...rows].sort((a, b) => weight.get(b.term)! - weight.get(a.term)! || a.term.localeCompare(b.term));
  const seed: string[] = [];
  let seedPostings = 0;
  for (const r of byWeight) {
    if (seed.length > 0 && seedPostings + r.df > options.seedPostings) break;
    seed.push(r.term);
    seedPostings += r.df;
  }
  const first = await scoreChunks(db, t, queryCounts, k, filter, bm25, { essential: seed, theta: -Infinity, nonEssentialWeight: 0 });
  if (first.length < k || seed.length === rows.length) {
    // Fewer than k chunks hold a rare term (or the seed is every term): no floor, so score everything.
    return seed.length === rows.length ? first : scoreChunks(db, t, queryCounts, k, filter, bm25, { essential: null, theta: -Infinity, nonEssentialWeight: 0 });
  }
  const theta = Math.min(...first.map((h) => h.score)) * (1 - SLACK);
  let nonEssentialWeight = 0;
  const essential: string[] = [];
  for (const r of [...byWeight].reverse()) {
    const w = weight.get(r.term)!;
    if (essential.length === 0 && nonEssentialWeight + w < theta) nonEssentialWeight += w;
    else essential.push(r.term);
  }
  return scoreChunks(db, t, queryCounts, k, filter, bm25, { essential, theta, nonEssentialWeight });
}

/**
 * The top k by full BM25 among chunks holding an `essential` term (every term when null) whose
 * essential score plus `nonEssentialWeight` reaches `theta`. Ties at the cut are broken by chunk id, as in memory.
 */
async function scoreChunks(
  db: pg.Pool, t: Tables, queryCounts: Map<string, number>, k: number, filter: Filter | undefined, bm25: Bm25Params,
  prune: { essential: string[] | null; theta: number; nonEssentialWeight: number },
): Promise<ScoredChunkId[]> {
  const params = new Params();
  const termsParam = params.add([...queryCounts.keys()]);
  const countsParam = params.add([...queryCounts.values()]);
  const k1 = params.add(bm25.k1);
  const b = params.add(bm25.b);
  const fw = params.add(bm25.fieldWeight);
  const where = await filterWhere(db, t, filter, params);
  const limit = params.add(k);
  const tf = `(p.body_tf + ${fw}::float8 * p.field_tf)`;
  const contribution = `w.weight * ${tf} / (${tf} + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * (p.body_len + ${fw}::float8 * p.field_len) / s.avgdl))`;
  const essential = prune.essential ? params.add(prune.essential) : null;
  const scored = essential === null
    ? `scored AS MATERIALIZED (
         SELECT p.chunk_key, sum(${contribution}) AS score
         FROM w JOIN ${t.postings} p ON p.term = w.term
           ${where === 'TRUE' ? '' : `JOIN ${t.documents} d ON d.doc_key = p.doc_key`}
           CROSS JOIN s
         WHERE ${tf} > 0 AND ${where}
         GROUP BY p.chunk_key)`
    : `e AS MATERIALIZED (
         SELECT p.chunk_key, sum(${contribution}) AS score
         FROM w JOIN ${t.postings} p ON p.term = w.term
           ${where === 'TRUE' ? '' : `JOIN ${t.documents} d ON d.doc_key = p.doc_key`}
           CROSS JOIN s
         WHERE w.term = ANY(${essential}::text[]) AND ${tf} > 0 AND ${where}
         GROUP BY p.chunk_key),
       scored AS MATERIALIZED (
         SELECT e.chunk_key, e.score + coalesce((
           SELECT sum(${contribution}) FROM w JOIN ${t.postings} p ON p.term = w.term AND p.chunk_key = e.chunk_key CROSS JOIN s
           WHERE NOT (w.term = ANY(${essential}::text[])) AND ${tf} > 0), 0) AS score
         FROM e
         WHERE e.score + ${params.add(prune.nonEssentialWeight)}::float8 >= ${params.add(Number.isFinite(prune.theta) ? prune.theta : -1e308)}::float8)`;
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
     ${scored},
     cut AS (SELECT score FROM scored ORDER BY score DESC OFFSET ${limit}::int - 1 LIMIT 1)
     SELECT c.id, sc.score FROM scored sc JOIN ${t.chunks} c ON c.chunk_key = sc.chunk_key
     WHERE sc.score >= coalesce((SELECT score FROM cut), '-infinity'::float8)
     ORDER BY sc.score DESC, c.id COLLATE "C"
     LIMIT ${limit}`,
    params.values,
  );
  return rows.map((row) => ({ chunkId: row.id, score: Number(row.score) }));
}
