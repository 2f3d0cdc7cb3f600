/**
 * Ingest and query at scale: a generated corpus of N one-chunk passages (default 100k).
 *
 *   node --import tsx bench/synthetic-ingest.ts [--docs 100000] [--embedder words|none]
 *
 * Reports ingest throughput (docs/s, MB/s), peak RSS while ingesting and while
 * querying, and BM25 / hybrid query latency through the real store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, resolveCacheDir } from '../src/workspace.js';
import { arg, percentile, rssSampler, table } from './lib.js';
import { scifactVocabulary, syntheticPassages } from './synthetic-corpus.js';

const count = Number(arg('--docs', '100000'));
const embedder = arg('--embedder', 'words');
const vocabulary = scifactVocabulary();
const home = await mkdtemp(join(tmpdir(), 'tailor-synth-'));
const { tailor } = await openWorkspace({ home, env: process.env, embedder, cacheDir: resolveCacheDir(process.env) });
await tailor.embedder?.doEmbed({ values: ['warm up'] });

let bytes = 0;
const items = (function* () {
  for (const p of syntheticPassages(count, vocabulary)) {
    bytes += Buffer.byteLength(p.text) + Buffer.byteLength(p.title);
    yield { source: `synthetic:${p.id}`, title: p.title, text: p.text };
  }
})();
const ingestRss = rssSampler();
const t0 = performance.now();
let lastLog = 0;
const report = await tailor.ingestTexts({
  items,
  dropDuplicateChunks: false,
  onProgress: (e) => {
    if (e.done - lastLog >= 20000) {
      lastLog = e.done;
      console.error(`ingested ${e.done}`);
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
const ingestPeak = ingestRss.stop();
const stats = await tailor.store.doStats();

const queries = [...syntheticPassages(300, vocabulary, 99)].map((p) => p.text.split(' ').slice(0, 4).join(' '));
const queryRss = rssSampler();
const timeAll = async (run: (q: string) => Promise<unknown>) => {
  for (const q of queries.slice(0, 20)) await run(q);
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    times.push(performance.now() - t);
  }
  return times;
};
const bm25 = await timeAll((q) => tailor.store.doQuery({ text: q, k: 10 }));
const hybrid = await timeAll((q) => tailor.search(q, { k: 10 }));
const queryPeak = queryRss.stop();
await tailor.close();
await rm(home, { recursive: true, force: true });

const ms = (v: number) => v.toFixed(2);
console.log(`${count} generated passages (${(bytes / 1048576).toFixed(1)} MB), embedder ${embedder}: ${stats.chunks} chunks, ${report.counts.failed} failed\n`);
console.log(
  table(
    ['measure', 'value'],
    [
      ['ingest', `${seconds.toFixed(1)} s, ${(count / seconds).toFixed(0)} docs/s, ${(bytes / 1048576 / seconds).toFixed(2)} MB/s`],
      ['peak RSS while ingesting', `${ingestPeak.toFixed(0)} MB`],
      ['BM25 p50 / p99 (4-word queries, k=10)', `${ms(percentile(bm25, 50))} / ${ms(percentile(bm25, 99))} ms`],
      ['hybrid retrieval p50 / p99', `${ms(percentile(hybrid, 50))} / ${ms(percentile(hybrid, 99))} ms`],
      ['peak RSS while querying', `${queryPeak.toFixed(0)} MB`],
    ],
  ),
);
