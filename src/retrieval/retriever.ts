import type { Filter, RetrievedChunk } from '../core/types.js';
import { TailorError } from '../core/errors.js';
import type { Store } from '../index/store.js';
import type { Embedder, Reranker } from '../providers/types.js';
import { DEFAULT_FUSION, fuseLegs, type FusionOptions } from './fuse.js';
import { PASSAGE_PRIOR, passageKind } from '../index/passage-prior.js';

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
  /**
   * Scale down the scores of heading-only and reference-list chunks (see passage-prior.ts) among the top
   * hits of each leg, so prose on the same subject ranks above them (default true).
   */
  passagePrior?: boolean;
}

/** Hits of each leg the passage prior looks at (their texts are read); lower hits keep their raw scores. */
const PRIOR_DEPTH = 30;

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
      const rowById = new Map<string, Awaited<ReturnType<Store['doGetChunks']>>[number]>();
      const readRows = async (ids: string[]) => {
        const missing = ids.filter((id) => !rowById.has(id));
        if (missing.length > 0) for (const row of await options.store.doGetChunks({ ids: missing })) rowById.set(row.chunk.id, row);
      };
      let { keyword, vector: vectorHits } = legs;
      if (options.passagePrior !== false) {
        // The prior scales each leg's raw score, before fusion normalises them, so its effect does not
        // depend on how spread out the other candidates' scores happen to be. Stores that keep it with
        // their index send it with each hit; for the others the texts are read.
        const considered = [...keyword.slice(0, PRIOR_DEPTH), ...vectorHits.slice(0, PRIOR_DEPTH)];
        const consideredIds = new Set(considered.map((hit) => hit.chunkId));
        await readRows(considered.filter((hit) => hit.prior === undefined).map((hit) => hit.chunkId));
        const priorOf = (hit: (typeof keyword)[number]): number => {
          if (hit.prior !== undefined) return hit.prior;
          const text = rowById.get(hit.chunkId)?.chunk.text;
          return text === undefined ? 1 : PASSAGE_PRIOR[passageKind(text)];
        };
        const scaled = (hits: typeof keyword) =>
          hits
            .map((hit) => {
              const prior = consideredIds.has(hit.chunkId) ? priorOf(hit) : 1;
              return prior === 1 || hit.score <= 0 ? hit : { ...hit, score: hit.score * prior };
            })
            .sort((a, b) => b.score - a.score);
        keyword = scaled(keyword);
        vectorHits = scaled(vectorHits);
      }
      let fused = fuseLegs(keyword, vectorHits, fusion);
      const searchDone = performance.now();

      const rerankDepth = options.rerankDepth ?? Math.max(k * 3, 20);
      if (options.reranker) fused = fused.slice(0, rerankDepth);
      await readRows(fused.slice(0, Math.max(k, options.reranker ? rerankDepth : 0)).map((c) => c.chunkId));

      let rerankScores: Map<string, number> | undefined;
      if (options.reranker && fused.length > 0) {
        const reranked = await options.reranker.doRerank({
          query,
          documents: fused.map((c) => rowById.get(c.chunkId)?.chunk.text ?? ''),
          abortSignal,
        });
        warnings.push(...reranked.warnings);
        rerankScores = new Map(fused.map((c, i) => [c.chunkId, reranked.result.scores[i] ?? -Infinity]));
        fused.sort((a, b) => rerankScores!.get(b.chunkId)! - rerankScores!.get(a.chunkId)!);
      }
      const rerankDone = performance.now();

      const top = fused.slice(0, k);
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
