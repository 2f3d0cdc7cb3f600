import type { Filter, RetrievedChunk } from '../core/types.js';
import { TailorError } from '../core/errors.js';
import type { Store } from '../index/store.js';
import type { Embedder, Reranker } from '../providers/types.js';
import { DEFAULT_FUSION, fuseLegs, type FusionOptions } from './fuse.js';

export interface RetrieveOptions {
  query: string;
  k?: number;
  filter?: Filter;
  abortSignal?: AbortSignal;
}

export interface RetrieveResult {
  results: RetrievedChunk[];
  timingsMs: { embed: number; search: number; rerank: number; total: number };
  warnings: string[];
}

export interface Retriever {
  retrieve(options: RetrieveOptions): Promise<RetrieveResult>;
}

export interface RetrieverOptions {
  store: Store;
  /** Vector leg; without one, retrieval is BM25 only. */
  embedder?: Embedder;
  reranker?: Reranker;
  fusion?: Partial<FusionOptions>;
  /** Candidates taken from each leg before fusion, as a multiple of k (at least 50). */
  candidateMultiplier?: number;
  /** How many fused candidates the reranker sees. */
  rerankDepth?: number;
}

export function createRetriever(options: RetrieverOptions): Retriever {
  const fusion: FusionOptions = { ...DEFAULT_FUSION, ...options.fusion };
  const useVectors = options.embedder !== undefined && fusion.vectorWeight > 0;
  return {
    async retrieve({ query, k = 8, filter, abortSignal }) {
      if (!query.trim()) throw new TailorError('INVALID_ARGUMENT', 'The query is empty: pass the question or keywords to search for.');
      const warnings: string[] = [];
      const started = performance.now();
      let vector: Float32Array | undefined;
      if (useVectors) {
        const embedded = await options.embedder!.doEmbed({ values: [query], kind: 'query', abortSignal });
        vector = embedded.result.embeddings[0];
        warnings.push(...embedded.warnings);
      }
      const embedDone = performance.now();
      const depth = Math.max(50, k * (options.candidateMultiplier ?? 4));
      const legs = await options.store.doQuery({ text: query, vector, k: depth, filter });
      let fused = fuseLegs(legs.keyword, legs.vector, fusion);
      const searchDone = performance.now();

      let rerankScores: Map<string, number> | undefined;
      if (options.reranker && fused.length > 0) {
        fused = fused.slice(0, options.rerankDepth ?? Math.max(k * 3, 20));
        const texts = await options.store.doGetChunks({ ids: fused.map((c) => c.chunkId) });
        const textById = new Map(texts.map((t) => [t.chunk.id, t.chunk.text]));
        const reranked = await options.reranker.doRerank({
          query,
          documents: fused.map((c) => textById.get(c.chunkId) ?? ''),
          abortSignal,
        });
        warnings.push(...reranked.warnings);
        rerankScores = new Map(fused.map((c, i) => [c.chunkId, reranked.result.scores[i] ?? -Infinity]));
        fused.sort((a, b) => rerankScores!.get(b.chunkId)! - rerankScores!.get(a.chunkId)!);
      }
      const rerankDone = performance.now();

      const top = fused.slice(0, k);
      const rows = await options.store.doGetChunks({ ids: top.map((c) => c.chunkId) });
      const rowById = new Map(rows.map((row) => [row.chunk.id, row]));
      const results: RetrievedChunk[] = [];
      for (const candidate of top) {
        const row = rowById.get(candidate.chunkId);
        if (!row) continue;
        const rerank = rerankScores?.get(candidate.chunkId);
        const { id, source, title, format, collection, modifiedAt } = row.document;
        results.push({
          rank: results.length + 1,
          score: rerank ?? candidate.fused,
          scores: { bm25: candidate.bm25, vector: candidate.vector, fused: candidate.fused, rerank },
          chunk: row.chunk,
          document: { id, source, title, format, collection, modifiedAt },
        });
      }
      const done = performance.now();
      return {
        results,
        warnings,
        timingsMs: {
          embed: embedDone - started,
          search: searchDone - embedDone,
          rerank: rerankDone - searchDone,
          total: done - started,
        },
      };
    },
  };
}
