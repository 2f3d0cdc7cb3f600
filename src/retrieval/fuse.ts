import type { ScoredChunkId } from '../index/store.js';

export interface FusedCandidate {
  chunkId: string;
  fused: number;
  bm25?: number;
  vector?: number;
}

export type FusionMethod = 'rrf' | 'weighted';

export interface FusionOptions {
  method: FusionMethod;
  /** Share of the vector leg in a weighted sum (0 = BM25 only, 1 = vectors only). */
  vectorWeight: number;
  /** RRF's damping constant; 60 is the value from Cormack et al. (2009). */
  rrfK: number;
}

export const DEFAULT_FUSION: FusionOptions = { method: 'weighted', vectorWeight: 0.2, rrfK: 60 };

/**
 * Merges the keyword and vector legs. Weighted fusion min-max normalises each leg
 * so their scales (BM25 is unbounded, cosine is in [-1, 1]) become comparable;
 * a candidate missing from a leg gets that leg's floor (0 after normalisation).
 */
export function fuseLegs(keyword: ScoredChunkId[], vector: ScoredChunkId[], options: FusionOptions): FusedCandidate[] {
  const byId = new Map<string, FusedCandidate>();
  const entry = (chunkId: string): FusedCandidate => {
    let found = byId.get(chunkId);
    if (!found) {
      found = { chunkId, fused: 0 };
      byId.set(chunkId, found);
    }
    return found;
  };
  for (const hit of keyword) entry(hit.chunkId).bm25 = hit.score;
  for (const hit of vector) entry(hit.chunkId).vector = hit.score;

  if (options.method === 'rrf') {
    const wk = 1 - options.vectorWeight;
    const wv = options.vectorWeight;
    keyword.forEach((hit, rank) => (entry(hit.chunkId).fused += (2 * wk) / (options.rrfK + rank + 1)));
    vector.forEach((hit, rank) => (entry(hit.chunkId).fused += (2 * wv) / (options.rrfK + rank + 1)));
  } else {
    const normKeyword = minMax(keyword);
    const normVector = minMax(vector);
    for (const candidate of byId.values()) {
      const k = normKeyword(candidate.bm25);
      const v = normVector(candidate.vector);
      candidate.fused = (1 - options.vectorWeight) * k + options.vectorWeight * v;
    }
  }
  return [...byId.values()].sort((a, b) => b.fused - a.fused || a.chunkId.localeCompare(b.chunkId));
}

function minMax(hits: ScoredChunkId[]): (score: number | undefined) => number {
  if (hits.length === 0) return () => 0;
  let min = Infinity;
  let max = -Infinity;
  for (const hit of hits) {
    if (hit.score < min) min = hit.score;
    if (hit.score > max) max = hit.score;
  }
  const span = max - min;
  return (score) => {
    if (score === undefined) return 0;
    // A single-hit leg (or all ties) carries no ranking information beyond presence.
    return span > 0 ? (score - min) / span : 1;
  };
}
