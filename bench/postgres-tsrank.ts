/**
 * The keyword options of decision 0050 on one corpus and one database: Tailor's BM25 in SQL (the
 * shipped path) against PostgreSQL's own full-text ranking, `ts_rank` and `ts_rank_cd`, over a
 * weighted title+text tsvector with a GIN index (what peers that "use Postgres full-text" ship).
 * SciFact (5,183 abstracts, 300 test queries), keyword only: nDCG@10, Recall@100 and query p50/p99.
 *
 *   node --import tsx bench/postgres-tsrank.ts
 */
import { createPostgresStore } from '../src/index/postgres/index.js';
import type { DocumentUpsert } from '../src/index/store.js';
import { normalisedTextHash, sha256Hex } from '../src/core/hash.js';
import { readBeirCorpus, readBeirQrels, readBeirQueries } from '../src/eval/beir-data.js';
import { mean, ndcgAt, recallAt, type Qrels } from '../src/eval/metrics.js';
import { startPostgresCluster } from '../test/helpers/postgres.js';
import pg from 'pg';

const DIR = new URL('../../shared/data/scifact', import.meta.url).pathname;

function upsertOf(d: { id: string; title: string; text: string }): DocumentUpsert {
  return {
    document: {
      id: d.id, collection: 'scifact', source: `beir:${d.id}`, title: d.title, format: 'text', modifiedAt: '2024-01-01T00:00:00Z',
      ingestedAt: '2024-01-01T00:00:00Z', contentHash: sha256Hex(d.text), sizeBytes: d.text.length, text: d.text,
    },
    chunks: [{ id: `${d.id}#0`, documentId: d.id, collection: 'scifact', ordinal: 0, text: d.text, start: 0, end: d.text.length, headingPath: [], tokenCount: 200, textHash: normalisedTextHash(d.text) }],
  };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(label: string, queries: Array<{ id: string; text: string }>, qrels: Map<string, Qrels>, search: (text: string) => Promise<string[]>) {
  const times: number[] = [];
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    const ranking = await search(q.text);
    times.push(performance.now() - t);
    ndcg.push(ndcgAt(ranking, qrels.get(q.id)!, 10));
    recall.push(recallAt(ranking, qrels.get(q.id)!, 100));
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} nDCG@10 ${mean(ndcg).toFixed(4)}  Recall@100 ${mean(recall).toFixed(4)}  p50 ${percentile(times, 0.5).toFixed(1)} ms  p99 ${percentile(times, 0.99).toFixed(1)} ms`);
}

const server = await startPostgresCluster();
try {
  const store = await createPostgresStore({ connectionString: server.url, schema: 'kw', pgvector: 'off' });
  let batch: DocumentUpsert[] = [];
  for await (const doc of readBeirCorpus(DIR)) {
    batch.push(upsertOf(doc));
    if (batch.length === 500) {
      await store.doWrite({ upserts: batch });
      batch = [];
    }
  }
  if (batch.length > 0) await store.doWrite({ upserts: batch });
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  // Title weighted A and text B, as the full-text guides recommend; a GIN index for @@.
  await pool.query(`ALTER TABLE kw.chunks ADD COLUMN tsv tsvector`);
  await pool.query(`UPDATE kw.chunks c SET tsv = setweight(to_tsvector('english', d.title), 'A') || setweight(to_tsvector('english', c.text), 'B') FROM kw.documents d WHERE d.doc_key = c.doc_key`);
  await pool.query(`CREATE INDEX chunks_tsv ON kw.chunks USING gin (tsv)`);
  await pool.query('ANALYZE');

  const [allQueries, qrels] = await Promise.all([readBeirQueries(DIR), readBeirQrels(DIR, 'test')]);
  const queries = [...qrels.keys()].filter((id) => allQueries.has(id)).map((id) => ({ id, text: allQueries.get(id)!.text }));
  const docOf = (chunkId: string) => chunkId.replace(/#\d+$/, '');
  const tsRank = (fn: 'ts_rank' | 'ts_rank_cd') => async (text: string) => {
    // plainto_tsquery ANDs every word (most queries would match nothing): OR the same lexemes instead.
    const { rows } = await pool.query<{ id: string }>(
      `WITH q AS (SELECT nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), '')::tsquery AS q)
       SELECT c.id FROM kw.chunks c, q WHERE c.tsv @@ q.q ORDER BY ${fn}(c.tsv, q.q) DESC, c.id LIMIT 100`, [text]);
    return rows.map((r) => docOf(r.id));
  };
  console.log(`SciFact: ${(await store.doStats()).chunks} passages, ${queries.length} test queries, keyword only`);
  await measure('Tailor BM25 in SQL (shipped)', queries, qrels, async (text) => (await store.doQuery({ text, k: 100 })).keyword.map((h) => docOf(h.chunkId)));
  await measure('ts_rank, title A + text B, GIN', queries, qrels, tsRank('ts_rank'));
  await measure('ts_rank_cd, title A + text B, GIN', queries, qrels, tsRank('ts_rank_cd'));
  await pool.end();
  await store.close();
} finally {
  await server.stop();
}
