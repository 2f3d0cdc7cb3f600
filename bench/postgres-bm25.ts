/**
 * The PostgreSQL store's keyword leg at scale: a throwaway local cluster (Debian postgresql-15,
 * the tests' helper), N synthetic one-chunk passages (SciFact vocabulary, Zipf), SciFact's test
 * queries. Reports ingest docs/s and BM25 p50/p99 for Postgres and, on the same corpus, the
 * embedded store; and checks the two return the same top 10.
 *
 *   node --import tsx bench/postgres-bm25.ts --n 100000 [--queries 200] [--alternative 0]
 *
 * --alternative 0 skips the not-shipped in-process scoring (at 1M chunks it fetches millions of postings per query).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '../src/index/postgres/index.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import type { DocumentUpsert, Store } from '../src/index/store.js';
import { normalisedTextHash, sha256Hex } from '../src/core/hash.js';
import { scifactVocabulary, syntheticPassages } from './synthetic-corpus.js';
import { startPostgresCluster } from '../test/helpers/postgres.js';
import pg from 'pg';
import { analyze } from '../src/index/analyzer.js';
import { DEFAULT_BM25_PARAMS } from '../src/index/bm25.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 100_000);
const queryCount = arg('queries', 200);
const withAlternative = arg('alternative', 1) !== 0;

function upsertOf(p: { id: string; title: string; text: string }): DocumentUpsert {
  const id = `p${p.id}`;
  return {
    document: {
      id, collection: 'bench', source: `/bench/${id}.txt`, title: p.title, format: 'text', modifiedAt: '2024-01-01T00:00:00Z',
      ingestedAt: '2024-01-01T00:00:00Z', contentHash: sha256Hex(p.text), sizeBytes: p.text.length, text: p.text,
    },
    chunks: [{ id: `${id}#0`, documentId: id, collection: 'bench', ordinal: 0, text: p.text, start: 0, end: p.text.length, headingPath: [], tokenCount: 60, textHash: normalisedTextHash(p.text) }],
  };
}

async function load(store: Store, label: string): Promise<number> {
  const vocabulary = scifactVocabulary();
  const started = performance.now();
  let batch: DocumentUpsert[] = [];
  let done = 0;
  for (const passage of syntheticPassages(n, vocabulary)) {
    batch.push(upsertOf(passage));
    if (batch.length === 1000) {
      await store.doWrite({ upserts: batch });
      done += batch.length;
      batch = [];
      if (done % 20_000 === 0) process.stderr.write(`${label}: ${done}/${n}\n`);
    }
  }
  if (batch.length > 0) await store.doWrite({ upserts: batch });
  return n / ((performance.now() - started) / 1000);
}

async function latency(store: Store, queries: string[]) {
  const times: number[] = [];
  const tops: string[][] = [];
  for (const text of queries) {
    const t = performance.now();
    const { keyword } = await store.doQuery({ text, k: 10 });
    times.push(performance.now() - t);
    tops.push(keyword.map((h) => h.chunkId));
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p99: sorted[Math.floor(sorted.length * 0.99)]!, tops };
}

/**
 * The alternative the decision weighed: fetch the query terms' postings and score them in this
 * process (same formula, same statistics). Measured, not shipped.
 */
async function inProcessLatency(pool: pg.Pool, schema: string, queries: string[]) {
  const times: number[] = [];
  const tops: string[][] = [];
  const { k1, b, fieldWeight: fw } = DEFAULT_BM25_PARAMS;
  for (const text of queries) {
    const t0 = performance.now();
    const counts = new Map<string, number>();
    for (const term of analyze(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    const stats = (await pool.query(`SELECT chunks, body_total, field_total FROM ${schema}.bm25_stats`)).rows[0];
    const n = Number(stats.chunks);
    const avgdl = (Number(stats.body_total) + fw * Number(stats.field_total)) / n || 1;
    const { rows } = await pool.query<{ term: string; df: number; chunk_key: string; body_tf: number; field_tf: number; body_len: number; field_len: number }>(
      `SELECT p.term, t.df, p.chunk_key, p.body_tf, p.field_tf, p.body_len, p.field_len FROM ${schema}.postings p JOIN ${schema}.terms t ON t.term = p.term WHERE p.term = ANY($1::text[])`,
      [[...counts.keys()]],
    );
    const acc = new Map<string, number>();
    for (const r of rows) {
      const tf = r.body_tf + fw * r.field_tf;
      if (tf === 0) continue;
      const weight = counts.get(r.term)! * Math.log(1 + (n - r.df + 0.5) / (r.df + 0.5)) * (k1 + 1);
      const dl = r.body_len + fw * r.field_len;
      acc.set(r.chunk_key, (acc.get(r.chunk_key) ?? 0) + (weight * tf) / (tf + k1 * (1 - b + (b * dl) / avgdl)));
    }
    const top = [...acc].sort((x, y) => y[1] - x[1]).slice(0, 10);
    const ids = top.length > 0 ? (await pool.query<{ chunk_key: string; id: string }>(`SELECT chunk_key, id FROM ${schema}.chunks WHERE chunk_key = ANY($1::bigint[])`, [top.map((x) => x[0])])).rows : [];
    const idOf = new Map(ids.map((r) => [r.chunk_key, r.id]));
    times.push(performance.now() - t0);
    tops.push(top.map((x) => idOf.get(x[0])!));
  }
  const sorted = [...times].sort((x, y) => x - y);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p99: sorted[Math.floor(sorted.length * 0.99)]!, tops };
}

const queries = fs
  .readFileSync(new URL('../../shared/data/scifact/queries.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, queryCount)
  .map((line) => (JSON.parse(line) as { text: string }).text);

const server = await startPostgresCluster();
try {
  const pgStore = await createPostgresStore({ connectionString: server.url, schema: 'bench' });
  const pgRate = await load(pgStore, 'postgres');
  // What autovacuum does after a bulk load (PostgreSQL 13+ vacuums insert-only tables too): sets the
  // visibility map, so the postings index answers by index-only scans. Timed, and reported.
  const vacuumStarted = performance.now();
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  await admin.query('VACUUM (ANALYZE) bench.postings, bench.terms, bench.chunks');
  await admin.end();
  const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
  await latency(pgStore, queries.slice(0, 20)); // warm the buffer cache
  const pgSql = await latency(pgStore, queries);
  const pool = new pg.Pool({ connectionString: server.url, max: 1 });
  const inProcess = withAlternative ? await inProcessLatency(pool, 'bench', queries) : null;
  await pool.end();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-sqlite-'));
  const sqlite = await createSqliteStore({ home });
  const sqliteRate = await load(sqlite, 'sqlite');
  const embedded = await latency(sqlite, queries);
  const same = pgSql.tops.filter((top, i) => top.join() === embedded.tops[i]!.join()).length;
  const sameInProcess = inProcess?.tops.filter((top, i) => top.join() === embedded.tops[i]!.join()).length;
  console.log(`n=${n} chunks, ${queries.length} SciFact queries, k=10`);
  console.log(`postgres  ingest ${pgRate.toFixed(0)} docs/s   BM25 p50 ${pgSql.p50.toFixed(1)} ms  p99 ${pgSql.p99.toFixed(1)} ms (scored in SQL; after VACUUM (ANALYZE), ${vacuumSeconds.toFixed(0)} s)`);
  if (inProcess) console.log(`postgres  postings fetched and scored in the process: p50 ${inProcess.p50.toFixed(1)} ms  p99 ${inProcess.p99.toFixed(1)} ms; same top-10 as embedded ${sameInProcess}/${queries.length} (ties not broken by id)`);
  console.log(`embedded  ingest ${sqliteRate.toFixed(0)} docs/s   BM25 p50 ${embedded.p50.toFixed(2)} ms  p99 ${embedded.p99.toFixed(2)} ms`);
  console.log(`identical top-10 lists: ${same}/${queries.length}`);
  await pgStore.close();
  await sqlite.close();
  fs.rmSync(home, { recursive: true, force: true });
} finally {
  await server.stop();
}
