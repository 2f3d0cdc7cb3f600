/**
 * Hybrid retrieval latency on the embedded store at 100k chunks, embedding excluded (issue 8's target:
 * p50 ≤ 2 ms). Passages are Zipf-sampled from the 20,000 most frequent words of the shipped word-vector
 * table (so both legs have real work: BM25 postings and `words` vectors through the HNSW graph); queries
 * are 3–5 content words. Timing is the retriever's own: total minus embedding (BM25 leg, vector leg,
 * passage prior, fusion, and reading the top-k rows from SQLite).
 *
 *   node --import tsx bench/hybrid-latency.ts [--chunks 100000] [--queries 500]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '../src/core/random.js';
import { createRetriever } from '../src/retrieval/index.js';
import { readShippedWordVectors } from '../src/providers/word-vectors/shipped-table.js';
import type { Embedder } from '../src/providers/types.js';
import type { Store } from '../src/index/store.js';
import { openWorkspace, resolveCacheDir } from '../src/workspace.js';
import { arg, percentile } from './lib.js';
import { zipfSampler } from './synthetic-corpus.js';

const chunks = Number(arg('--chunks', '100000'));
const queryCount = Number(arg('--queries', '500'));
const words = readShippedWordVectors(20_000).words.filter((w) => /^[a-z]{3,}$/.test(w));
const random = createRandom(8);
const draw = zipfSampler(words, random);
const passage = () => Array.from({ length: 40 + Math.floor(random() * 40) }, () => draw()).join(' ') + '.';

const home = await mkdtemp(join(tmpdir(), 'tailor-hybrid-'));
const { tailor } = await openWorkspace({ home, env: process.env, cacheDir: resolveCacheDir(process.env) });
const embedder = tailor.embedder as Embedder;
let started = performance.now();
for (let start = 0; start < chunks; start += 5000) {
  const items = Array.from({ length: Math.min(5000, chunks - start) }, (_, i) => ({ source: `synthetic:${start + i}`, text: passage() }));
  await tailor.ingestTexts({ items });
  process.stderr.write(`\ringested ${Math.min(chunks, start + 5000).toLocaleString('en')} / ${chunks.toLocaleString('en')}`);
}
const ingestS = (performance.now() - started) / 1000;
const stats = await tailor.store.doStats();

const queries = Array.from({ length: queryCount }, () => Array.from({ length: 3 + Math.floor(random() * 3) }, () => draw(100)).join(' '));
const vectors = new Map<string, Float32Array>();
for (const q of queries) vectors.set(q, (await embedder.doEmbed({ values: [q], kind: 'query' })).result.embeddings[0]!);
// The query vectors are computed above, so the timed path has no embedding in it at all.
const precomputed: Embedder = { ...embedder, doEmbed: async ({ values }) => ({ result: { embeddings: values.map((v) => vectors.get(v)!) }, usage: {}, warnings: [] }) };
// Counts the rows the retriever reads: with priors kept in the index, only the top k.
let rowsRead = 0;
const counting: Store = {
  doWrite: (w) => tailor.store.doWrite(w),
  doListDocuments: (l) => tailor.store.doListDocuments(l),
  doStats: () => tailor.store.doStats(),
  close: () => tailor.store.close(),
  doQuery: (q) => tailor.store.doQuery(q),
  doGetChunks: (lookup) => {
    rowsRead += lookup.ids?.length ?? 0;
    return tailor.store.doGetChunks(lookup);
  },
};
const retriever = createRetriever({ store: counting, embedder: precomputed });
for (const q of queries.slice(0, 50)) await retriever.retrieve({ query: q, k: 10 });
started = performance.now();
const times: number[] = [];
rowsRead = 0;
for (const q of queries) {
  const { timingsMs } = await retriever.retrieve({ query: q, k: 10 });
  times.push(timingsMs.total - timingsMs.embed);
}
const bm25: number[] = [];
const legs: number[] = [];
const rows: number[] = [];
for (const q of queries) {
  let t = performance.now();
  await tailor.store.doQuery({ text: q, k: 50 });
  bm25.push(performance.now() - t);
  t = performance.now();
  const hits = await tailor.store.doQuery({ text: q, vector: vectors.get(q)!, k: 50 });
  legs.push(performance.now() - t);
  t = performance.now();
  await tailor.store.doGetChunks({ ids: hits.keyword.slice(0, 10).map((h) => h.chunkId) });
  rows.push(performance.now() - t);
}
console.log(
  `\n${stats.chunks.toLocaleString('en')} chunks (ingest ${ingestS.toFixed(0)} s), ${queries.length} queries, k=10: ` +
    `hybrid p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms ` +
    `(embedding excluded). Parts, p50: BM25 leg ${percentile(bm25, 50).toFixed(2)} ms, both legs ${percentile(legs, 50).toFixed(2)} ms, ` +
    `reading 10 rows ${percentile(rows, 50).toFixed(2)} ms; rows the retriever read per query ${(rowsRead / queries.length).toFixed(1)}`,
);
await tailor.close();
await rm(home, { recursive: true, force: true });
