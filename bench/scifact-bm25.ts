/**
 * BM25 quality and speed.
 *
 *   node --import tsx bench/scifact-bm25.ts            SciFact test nDCG@10 + QPS through the real store
 *   node --import tsx bench/scifact-bm25.ts --tune     grid search of k1 / b / field weight on SciFact *train*
 *   node --import tsx bench/scifact-bm25.ts --synthetic [sizes]   BM25 latency at 100k and 1M synthetic chunks
 *   node --import tsx bench/scifact-bm25.ts --vectors [sizes]     brute-force cosine latency at 10k and 100k × 100d
 *
 * SciFact is stored as one document + one chunk per abstract: the chunk text is
 * the abstract, the BEIR title is the document title, so title tokens go through
 * the title/heading field (field weight 1 reproduces Pyserini's title+text "flat"
 * index). A document's score is its chunk's score.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sha256Hex, normalisedTextHash } from '../src/core/hash.js';
import type { Chunk, DocumentRecord } from '../src/core/types.js';
import { analyze } from '../src/index/analyzer.js';
import { createRandom } from '../src/core/random.js';
import { createBm25Index, DEFAULT_BM25_PARAMS, type Bm25Index } from '../src/index/bm25.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createVectorIndex } from '../src/index/vectors.js';

const DATA = new URL('../../shared/data/scifact/', import.meta.url);

interface Corpus {
  docs: Array<{ id: string; title: string; text: string }>;
  queries: Map<string, string>;
  qrels: (split: 'train' | 'test') => Map<string, Map<string, number>>;
}

function loadScifact(): Corpus {
  const corpusText = zlib.gunzipSync(fs.readFileSync(new URL('corpus.jsonl.gz', DATA))).toString('utf8');
  const docs = corpusText
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { _id: string; title: string; text: string };
      return { id: String(row._id), title: row.title, text: row.text };
    });
  const queries = new Map<string, string>();
  for (const line of fs.readFileSync(new URL('queries.jsonl', DATA), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { _id: string; text: string };
    queries.set(String(row._id), row.text);
  }
  const qrels = (split: 'train' | 'test'): Map<string, Map<string, number>> => {
    const result = new Map<string, Map<string, number>>();
    const lines = fs.readFileSync(new URL(`qrels/${split}.tsv`, DATA), 'utf8').split('\n').slice(1);
    for (const line of lines) {
      const [queryId, docId, score] = line.trim().split('\t');
      if (!queryId || !docId) continue;
      if (!result.has(queryId)) result.set(queryId, new Map());
      result.get(queryId)!.set(docId, Number(score));
    }
    return result;
  };
  return { docs, queries, qrels };
}

/** nDCG@10 as trec_eval / pytrec_eval compute it (linear gain, log2 discount). */
function ndcgAt10(ranked: string[], relevant: Map<string, number>): number {
  let dcg = 0;
  ranked.slice(0, 10).forEach((docId, i) => {
    dcg += (relevant.get(docId) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].filter((r) => r > 0).sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, rel, i) => sum + rel / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

function meanNdcg(search: (query: string) => string[], corpus: Corpus, qrels: Map<string, Map<string, number>>): number {
  let total = 0;
  for (const [queryId, relevant] of qrels) total += ndcgAt10(search(corpus.queries.get(queryId) ?? ''), relevant);
  return total / qrels.size;
}

function buildIndex(corpus: Corpus): { index: Bm25Index; docOf: Map<string, string> } {
  const index = createBm25Index();
  const docOf = new Map<string, string>();
  corpus.docs.forEach((doc, i) => {
    index.add({ chunkId: `c${doc.id}`, docKey: i, body: analyze(doc.text), field: analyze(doc.title) });
    docOf.set(`c${doc.id}`, doc.id);
  });
  return { index, docOf };
}

function tune(corpus: Corpus): void {
  const { index, docOf } = buildIndex(corpus);
  const train = corpus.qrels('train');
  const analysed = new Map([...train.keys()].map((q) => [q, analyze(corpus.queries.get(q) ?? '')]));
  const rows: Array<{ k1: number; b: number; fieldWeight: number; ndcg: number }> = [];
  for (const k1 of [0.6, 0.9, 1.2, 1.5]) {
    for (const b of [0.3, 0.4, 0.5, 0.6, 0.75, 0.9]) {
      for (const fieldWeight of [1, 1.5, 2, 3]) {
        index.setParams({ k1, b, fieldWeight });
        let total = 0;
        for (const [queryId, relevant] of train) {
          const hits = index.search(analysed.get(queryId)!, 10);
          total += ndcgAt10(hits.map((h) => docOf.get(h.chunkId)!), relevant);
        }
        rows.push({ k1, b, fieldWeight, ndcg: total / train.size });
      }
    }
  }
  rows.sort((x, y) => y.ndcg - x.ndcg);
  console.log(`SciFact train (${train.size} queries) nDCG@10, best first:`);
  for (const row of rows.slice(0, Number(process.env.TUNE_ROWS ?? 15))) console.log(`  k1=${row.k1} b=${row.b} fieldWeight=${row.fieldWeight}  ${row.ndcg.toFixed(4)}`);
  const pyserini = rows.find((r) => r.k1 === 0.9 && r.b === 0.4 && r.fieldWeight === 1);
  console.log(`  (Pyserini defaults k1=0.9 b=0.4, flat title+text: ${pyserini?.ndcg.toFixed(4)})`);
}

async function evaluateStore(corpus: Corpus): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-scifact-'));
  try {
    let store = await createSqliteStore({ home });
    const now = new Date().toISOString();
    let started = performance.now();
    for (let i = 0; i < corpus.docs.length; i += 500) {
      const upserts = corpus.docs.slice(i, i + 500).map((doc) => {
        const document: DocumentRecord = {
          id: doc.id,
          collection: 'scifact',
          source: `scifact://${doc.id}`,
          title: doc.title,
          format: 'text',
          modifiedAt: now,
          ingestedAt: now,
          contentHash: sha256Hex(doc.text),
          sizeBytes: Buffer.byteLength(doc.text),
          text: doc.text,
        };
        const chunk: Chunk = {
          id: `c${doc.id}`,
          documentId: doc.id,
          collection: 'scifact',
          ordinal: 0,
          text: doc.text,
          start: 0,
          end: doc.text.length,
          headingPath: [],
          tokenCount: doc.text.split(/\s+/).length,
          textHash: normalisedTextHash(doc.text),
        };
        return { document, chunks: [chunk] };
      });
      await store.doWrite({ upserts });
    }
    const ingestMs = performance.now() - started;
    await store.close();
    started = performance.now();
    store = await createSqliteStore({ home });
    const reopenMs = performance.now() - started;

    const test = corpus.qrels('test');
    const rankings = new Map<string, string[]>();
    const runAll = async (): Promise<void> => {
      for (const queryId of test.keys()) {
        const { keyword } = await store.doQuery({ text: corpus.queries.get(queryId) ?? '', k: 100 });
        rankings.set(queryId, keyword.map((hit) => hit.chunkId.slice(1)));
      }
    };
    await runAll(); // warm-up
    started = performance.now();
    const rounds = 5;
    for (let round = 0; round < rounds; round++) await runAll();
    const seconds = (performance.now() - started) / 1000;
    let total = 0;
    for (const [queryId, relevant] of test) total += ndcgAt10(rankings.get(queryId) ?? [], relevant);
    const p = DEFAULT_BM25_PARAMS;
    console.log(`SciFact test: ${test.size} queries, ${corpus.docs.length} abstracts, k1=${p.k1} b=${p.b} fieldWeight=${p.fieldWeight}`);
    console.log(`  nDCG@10 = ${(total / test.size).toFixed(4)}   (Pyserini BM25 flat 0.679, BEIR/Elasticsearch 0.665)`);
    console.log(`  QPS (store.doQuery, k=100, single thread, warm) = ${Math.round((rounds * test.size) / seconds)}`);
    console.log(`  ingest ${Math.round(ingestMs)} ms, reopen from snapshot ${Math.round(reopenMs)} ms`);
    await store.close();
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Zipf(s=1) over `vocabulary` ranks; returns a sampler of ranks (0 = most frequent). */
function zipfSampler(vocabulary: number, random: () => number): () => number {
  const cumulative = new Float64Array(vocabulary);
  let sum = 0;
  for (let r = 0; r < vocabulary; r++) cumulative[r] = sum += 1 / (r + 1);
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = vocabulary - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function synthetic(sizes: number[]): void {
  const vocabulary = 200_000;
  const words = Array.from({ length: vocabulary }, (_, r) => `w${r.toString(36)}`);
  for (const size of sizes) {
    const random = createRandom(size);
    const sample = zipfSampler(vocabulary, random);
    const index = createBm25Index();
    let started = performance.now();
    for (let i = 0; i < size; i++) {
      const length = 50 + Math.floor(random() * 51);
      const body: string[] = new Array(length);
      for (let t = 0; t < length; t++) body[t] = words[sample()];
      index.add({ chunkId: `chunk-${i}`, docKey: i >> 2, body, field: [words[sample()], words[sample()]] });
    }
    const buildS = (performance.now() - started) / 1000;
    // Two query mixes: words drawn like the text itself (head terms with postings near N,
    // a worst case), and content words (rank >= 100, i.e. what remains of a real query
    // once stop words are gone).
    for (const mix of ['zipf', 'content'] as const) {
      const queries = Array.from({ length: 1000 }, () => {
        const n = 2 + Math.floor(random() * 4);
        return Array.from({ length: n }, () => {
          let rank = sample();
          while (mix === 'content' && rank < 100) rank = sample();
          return words[rank];
        });
      });
      for (let i = 0; i < 100; i++) index.search(queries[i], 10); // warm-up
      const times: number[] = [];
      for (const query of queries) {
        started = performance.now();
        index.search(query, 10);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(
        `synthetic ${size.toLocaleString('en')} chunks (${mix} queries, 2-5 terms, k=10): p50 ${percentile(times, 0.5).toFixed(3)} ms, p99 ${percentile(times, 0.99).toFixed(3)} ms (build ${buildS.toFixed(1)} s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB)`,
      );
    }
  }
}

/** Exact brute-force cosine latency (the store's vector leg) at `sizes` × 100 dimensions. */
function vectors(sizes: number[]): void {
  const dims = 100;
  for (const size of sizes) {
    const random = createRandom(size + 1);
    const index = createVectorIndex(dims);
    const row = new Float32Array(dims);
    for (let i = 0; i < size; i++) {
      for (let d = 0; d < dims; d++) row[d] = random() * 2 - 1;
      index.add(`chunk-${i}`, i >> 2, row);
    }
    const allowed = new Uint8Array((size >> 2) + 1);
    for (let key = 0; key < allowed.length; key += 2) allowed[key] = 1;
    for (const filter of [null, allowed]) {
      const times: number[] = [];
      for (let q = 0; q < 220; q++) {
        const query = Float32Array.from({ length: dims }, () => random() * 2 - 1);
        const started = performance.now();
        index.search(query, 10, filter);
        if (q >= 20) times.push(performance.now() - started); // the first 20 warm up
      }
      times.sort((a, b) => a - b);
      console.log(
        `vectors ${size.toLocaleString('en')} × ${dims}d${filter ? ' (filter allowing half)' : ''}, k=10: p50 ${percentile(times, 0.5).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms`,
      );
    }
  }
}

const args = process.argv.slice(2);
if (args[0] === '--tune') tune(loadScifact());
else if (args[0] === '--synthetic') synthetic(args.length > 1 ? args.slice(1).map(Number) : [100_000, 1_000_000]);
else if (args[0] === '--vectors') vectors(args.length > 1 ? args.slice(1).map(Number) : [10_000, 100_000]);
else await evaluateStore(loadScifact());
