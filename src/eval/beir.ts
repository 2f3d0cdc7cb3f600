import type { Logger, ProgressListener } from '../core/logger.js';
import type { Store } from '../index/store.js';
import type { Retriever } from '../retrieval/retriever.js';
import type { IngestTextsOptions } from '../ingest/texts.js';
import type { IngestReport } from '../ingest/report.js';
import { readBeirCorpus, readBeirQrels, readBeirQueries } from './beir-data.js';
import { mean, mrrAt, ndcgAt, percentile, recallAt } from './metrics.js';

export interface BeirOptions {
  dir: string;
  split?: string;
  store: Store;
  retriever: Retriever;
  /** Ingests the corpus with the caller's embedder and chunking (Tailor.ingestTexts). */
  ingestTexts: (options: Pick<IngestTextsOptions, 'items' | 'collection' | 'dropDuplicateChunks' | 'onProgress' | 'chunking'>) => Promise<IngestReport>;
  /** BEIR corpora are passages already: by default each is kept whole as one chunk (up to this many tokens). */
  passageTokens?: number;
  collection?: string;
  /** Chunks retrieved per query before collapsing to documents. */
  depth?: number;
  logger?: Logger;
  onProgress?: ProgressListener;
}

export interface BeirResult {
  dataset: string;
  split: string;
  queries: number;
  documents: number;
  metrics: { 'nDCG@10': number; 'Recall@100': number; 'MRR@10': number };
  ingest: { ms: number; docsPerSecond: number; mbPerSecond: number };
  query: { p50Ms: number; p99Ms: number; qps: number };
}

const SOURCE_PREFIX = 'beir:';

/** Indexes a BEIR corpus (if not already) and scores retrieval on one split's qrels. */
export async function evaluateBeir(options: BeirOptions): Promise<BeirResult> {
  const split = options.split ?? 'test';
  const collection = options.collection ?? 'beir';
  const [queries, qrels] = await Promise.all([readBeirQueries(options.dir), readBeirQrels(options.dir, split)]);

  const stats = await options.store.doStats();
  const existing = stats.collections.find((c) => c.name === collection)?.documents ?? 0;
  let ingestMs = 0;
  let bytes = 0;
  if (existing === 0) {
    const report = await options.ingestTexts({
      collection,
      dropDuplicateChunks: false,
      chunking: { maxTokens: options.passageTokens ?? 1024 },
      onProgress: options.onProgress,
      items: mapCorpus(readBeirCorpus(options.dir)),
    });
    ingestMs = report.elapsedMs;
    bytes = report.bytesRead;
  }
  const documents = (await options.store.doStats()).collections.find((c) => c.name === collection)?.documents ?? 0;

  const judged = [...qrels.keys()].filter((id) => queries.has(id));
  const ndcg: number[] = [];
  const recall: number[] = [];
  const mrr: number[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  for (const [i, queryId] of judged.entries()) {
    const t0 = performance.now();
    const { results } = await options.retriever.retrieve({ query: queries.get(queryId)!.text, k: options.depth ?? 300, filter: { collections: [collection] } });
    latencies.push(performance.now() - t0);
    const ranking: string[] = [];
    const seen = new Set<string>();
    for (const hit of results) {
      const docId = hit.document.source.slice(SOURCE_PREFIX.length);
      if (!seen.has(docId)) {
        seen.add(docId);
        ranking.push(docId);
      }
    }
    const judgement = qrels.get(queryId)!;
    ndcg.push(ndcgAt(ranking, judgement, 10));
    recall.push(recallAt(ranking, judgement, 100));
    mrr.push(mrrAt(ranking, judgement, 10));
    options.onProgress?.({ phase: 'query', done: i + 1, total: judged.length });
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    dataset: options.dir,
    split,
    queries: judged.length,
    documents,
    metrics: { 'nDCG@10': mean(ndcg), 'Recall@100': mean(recall), 'MRR@10': mean(mrr) },
    ingest: { ms: ingestMs, docsPerSecond: ingestMs ? documents / (ingestMs / 1000) : 0, mbPerSecond: ingestMs ? bytes / 1048576 / (ingestMs / 1000) : 0 },
    query: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), qps: judged.length / (elapsed / 1000) },
  };
}

async function* mapCorpus(corpus: AsyncIterable<{ id: string; title: string; text: string }>) {
  for await (const doc of corpus) {
    // The title goes in the title field (weighted by BM25), not repeated in the body.
    yield { source: SOURCE_PREFIX + doc.id, title: doc.title, text: doc.text.trim() ? doc.text : doc.title, format: 'text' as const };
  }
}
