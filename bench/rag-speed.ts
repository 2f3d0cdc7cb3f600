/**
 * RAG speed on SciFact, Tailor and LlamaIndex.TS in the same run, same embedder.
 *
 *   node --import tsx bench/rag-speed.ts [--queries 300]
 *
 * Tailor: ingest (load → chunk → BM25 + word vectors → SQLite, durable) through
 * Tailor.ingestTexts; BM25 QPS on Store.doQuery (single thread, k=10); hybrid
 * retrieval latency; `ask` overhead with the extractive answerer (everything but an
 * LLM). LlamaIndex: Document → SentenceSplitter → the same word-vector embedder →
 * in-memory VectorStoreIndex (it keeps no keyword index and writes nothing to disk),
 * then retriever top-10 latency.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, resolveCacheDir } from '../src/workspace.js';
import type { Embedder } from '../src/providers/types.js';
import { arg, percentile, rssSampler, table } from './lib.js';

const DATA = new URL('../../shared/data/scifact/', import.meta.url);
const docs = gunzipSync(readFileSync(new URL('corpus.jsonl.gz', DATA)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { _id: string; title: string; text: string });
const queries = readFileSync(new URL('queries.jsonl', DATA), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text)
  .slice(0, Number(arg('--queries', '300')));
const megabytes = docs.reduce((n, d) => n + Buffer.byteLength(d.title) + Buffer.byteLength(d.text), 0) / 1048576;

async function timeEach(items: string[], run: (q: string) => Promise<unknown>): Promise<number[]> {
  for (const q of items.slice(0, 20)) await run(q); // warm-up
  const times: number[] = [];
  for (const q of items) {
    const t = performance.now();
    await run(q);
    times.push(performance.now() - t);
  }
  return times;
}

// ---- Tailor
const home = await mkdtemp(join(tmpdir(), 'tailor-bench-'));
const cacheDir = resolveCacheDir(process.env);
const workspace = await openWorkspace({ home, env: process.env, cacheDir });
const { tailor } = workspace;
const embedder = tailor.embedder as Embedder;
await embedder.doEmbed({ values: ['warm up the cache'] });
const rss = rssSampler();
let t0 = performance.now();
await tailor.ingestTexts({
  items: docs.map((d) => ({ source: `scifact:${d._id}`, title: d.title, text: d.text })),
  chunking: { maxTokens: 1024 },
});
const tailorIngestS = (performance.now() - t0) / 1000;
const stats = await tailor.store.doStats();

const bm25 = await timeEach(queries, (q) => tailor.store.doQuery({ text: q, k: 10 }));
const bm25Qps = bm25.length / (bm25.reduce((a, b) => a + b, 0) / 1000);
const hybrid = await timeEach(queries, (q) => tailor.search(q, { k: 10 }));
const asks = await timeEach(queries, (q) => tailor.ask(q));
const tailorRss = rss.stop();
await tailor.close();
await rm(home, { recursive: true, force: true });

// ---- LlamaIndex.TS, same corpus, same embedder
const { Document, VectorStoreIndex, Settings, BaseEmbedding, SentenceSplitter } = await import('llamaindex');
class TailorWordVectors extends BaseEmbedding {
  constructor() {
    super();
  }
  async getTextEmbedding(text: string): Promise<number[]> {
    return Array.from((await embedder.doEmbed({ values: [text] })).result.embeddings[0]!);
  }
  override getTextEmbeddings = async (texts: string[]): Promise<number[][]> =>
    (await embedder.doEmbed({ values: texts })).result.embeddings.map((v) => Array.from(v));
}
Settings.embedModel = new TailorWordVectors();
Settings.nodeParser = new SentenceSplitter({ chunkSize: 1024, chunkOverlap: 0 });
const rssLi = rssSampler();
t0 = performance.now();
const index = await VectorStoreIndex.fromDocuments(docs.map((d) => new Document({ text: `${d.title}\n\n${d.text}`, id_: d._id })));
const liIngestS = (performance.now() - t0) / 1000;
const retriever = index.asRetriever({ similarityTopK: 10 });
const liQuery = await timeEach(queries, (q) => retriever.retrieve({ query: q }));
const liRss = rssLi.stop();

const ms = (v: number) => v.toFixed(2);
console.log(`SciFact: ${docs.length} documents, ${megabytes.toFixed(2)} MB, ${queries.length} queries; Tailor stored ${stats.chunks} chunks\n`);
console.log(
  table(
    ['measure', 'Tailor', 'LlamaIndex.TS 0.12', 'ratio'],
    [
      ['ingest docs/s', (docs.length / tailorIngestS).toFixed(0), (docs.length / liIngestS).toFixed(0), `${(liIngestS / tailorIngestS).toFixed(1)}× faster`],
      ['ingest MB/s', (megabytes / tailorIngestS).toFixed(2), (megabytes / liIngestS).toFixed(2), ''],
      ['BM25 QPS (single thread, k=10)', bm25Qps.toFixed(0), 'n/a (no keyword index)', ''],
      ['BM25 p50 / p99 ms', `${ms(percentile(bm25, 50))} / ${ms(percentile(bm25, 99))}`, '', ''],
      ['retrieval p50 / p99 ms (Tailor hybrid, LlamaIndex vector)', `${ms(percentile(hybrid, 50))} / ${ms(percentile(hybrid, 99))}`, `${ms(percentile(liQuery, 50))} / ${ms(percentile(liQuery, 99))}`, `${(percentile(liQuery, 50) / percentile(hybrid, 50)).toFixed(1)}×`],
      ['ask overhead p50 / p99 ms (extractive, no LLM)', `${ms(percentile(asks, 50))} / ${ms(percentile(asks, 99))}`, '', ''],
      ['peak RSS MB', tailorRss.toFixed(0), liRss.toFixed(0), ''],
    ],
  ),
);
