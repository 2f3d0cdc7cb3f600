/**
 * The PostgreSQL store's vector leg through pgvector, timed: PGlite (PostgreSQL compiled to WASM,
 * one session, in this process) with its pgvector extension, served over the wire protocol as in
 * the tests, since Debian's postgresql-15 has no pgvector. N clustered 384-d vectors (one chunk per
 * document, as the store writes them); recall@10 of the HNSW index against the exact sort in SQL
 * (`exactBelow` above N), and both latencies, with and without a collection filter allowing 10%.
 *
 *   node --import tsx bench/pgvector-pglite.ts --n 20000 [--queries 100] [--ef 100]
 *
 * PGlite is single-threaded WASM: read these as a lower bound for a native server.
 */
import { createPostgresStore } from '../src/index/postgres/index.js';
import type { DocumentUpsert, ScoredChunkId } from '../src/index/store.js';
import { createRandom } from '../src/core/random.js';
import { startPglite } from '../test/helpers/postgres.js';
import pg from 'pg';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 20_000);
const queryCount = arg('queries', 100);
const ef = arg('ef', 100);
const dims = 384;
const random = createRandom(42);
const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const centres = Array.from({ length: 256 }, () => Float32Array.from({ length: dims }, gauss));
const sample = () => Float32Array.from(centres[Math.floor(random() * centres.length)]!, (x) => x + 0.9 * gauss());

function upsertOf(i: number, vector: Float32Array): DocumentUpsert {
  const id = `v${i}`;
  const text = `passage ${i}`;
  return {
    document: { id, collection: i % 10 === 0 ? 'tenth' : 'main', source: `/v/${id}`, title: id, format: 'text', modifiedAt: '2024-01-01T00:00:00Z', ingestedAt: '2024-01-01T00:00:00Z', contentHash: id, sizeBytes: text.length, text },
    chunks: [{ id: `${id}#0`, documentId: id, collection: i % 10 === 0 ? 'tenth' : 'main', ordinal: 0, text, start: 0, end: text.length, headingPath: [], tokenCount: 2, textHash: id }],
    vectors: [vector],
  };
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

const server = await startPglite();
try {
  // PGlite serves one session: every store shares one pooled connection.
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  const hnsw = await createPostgresStore({ pool, schema: 'vec', exactBelow: 0, efSearch: ef });
  if (!hnsw.pgvector) throw new Error('pgvector did not load in PGlite');
  let started = performance.now();
  let batch: DocumentUpsert[] = [];
  for (let i = 0; i < n; i++) {
    batch.push(upsertOf(i, sample()));
    if (batch.length === 500) {
      await hnsw.doWrite({ upserts: batch, embedderId: 'bench' });
      batch = [];
    }
  }
  if (batch.length > 0) await hnsw.doWrite({ upserts: batch, embedderId: 'bench' });
  const loadSeconds = (performance.now() - started) / 1000;
  const exact = await createPostgresStore({ pool, schema: 'vec', exactBelow: Number.MAX_SAFE_INTEGER });
  const graph = hnsw;
  const queries = Array.from({ length: queryCount }, sample);
  console.log(`PGlite + pgvector, n=${n} x ${dims}, ${queryCount} queries, k=10, hnsw.ef_search ${ef}; load with HNSW index ${loadSeconds.toFixed(0)} s (${(n / loadSeconds).toFixed(0)} vectors/s)`);
  for (const filter of [undefined, { collections: ['tenth'] }]) {
    const run = async (store: typeof exact) => {
      const times: number[] = [];
      const results: ScoredChunkId[][] = [];
      for (const vector of queries) {
        started = performance.now();
        results.push((await store.doQuery({ vector, k: 10, filter })).vector);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { results, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
    };
    const truth = await run(exact);
    const approx = await run(graph);
    const recall = approx.results.reduce((sum, got, i) => {
      const want = new Set(truth.results[i]!.map((h) => h.chunkId));
      return sum + got.filter((h) => want.has(h.chunkId)).length / Math.max(1, want.size);
    }, 0) / queries.length;
    const label = filter ? 'filter 10%' : 'no filter ';
    console.log(`${label}  exact p50 ${truth.p50.toFixed(1)} ms p99 ${truth.p99.toFixed(1)} ms | HNSW recall@10 ${recall.toFixed(4)} p50 ${approx.p50.toFixed(1)} ms p99 ${approx.p99.toFixed(1)} ms`);
  }
  await exact.close();
  await graph.close();
  await pool.end();
} finally {
  await server.stop();
}
