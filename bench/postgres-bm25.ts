/**
 * The PostgreSQL store's keyword leg at scale: a throwaway local cluster (Debian postgresql-15,
 * the tests' helper), N synthetic one-chunk passages (SciFact vocabulary, Zipf), SciFact's test
 * queries. Reports ingest docs/s and BM25 p50/p99 for Postgres and, on the same corpus, the
 * embedded store; and checks the two return the same top 10.
 *
 *   node --import tsx bench/postgres-bm25.ts --n 100000 [--queries 200]
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

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('n', 100_000);
const queryCount = arg('queries', 200);

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
  await latency(pgStore, queries.slice(0, 20)); // warm the buffer cache
  const pg = await latency(pgStore, queries);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-sqlite-'));
  const sqlite = await createSqliteStore({ home });
  const sqliteRate = await load(sqlite, 'sqlite');
  const embedded = await latency(sqlite, queries);
  const same = pg.tops.filter((top, i) => top.join() === embedded.tops[i]!.join()).length;
  console.log(`n=${n} chunks, ${queries.length} SciFact queries, k=10`);
  console.log(`postgres  ingest ${pgRate.toFixed(0)} docs/s   BM25 p50 ${pg.p50.toFixed(1)} ms  p99 ${pg.p99.toFixed(1)} ms`);
  console.log(`embedded  ingest ${sqliteRate.toFixed(0)} docs/s   BM25 p50 ${embedded.p50.toFixed(2)} ms  p99 ${embedded.p99.toFixed(2)} ms`);
  console.log(`identical top-10 lists: ${same}/${queries.length}`);
  await pgStore.close();
  await sqlite.close();
  fs.rmSync(home, { recursive: true, force: true });
} finally {
  await server.stop();
}
