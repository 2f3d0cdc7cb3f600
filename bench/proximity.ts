/**
 * A measured candidate, not in the product (see docs/decisions/0055-scifact-offline-ceiling.md): it lowered
 * SciFact train nDCG@10 and LegalBench/PubMedQA answer@5, so it lives with the benchmarks that measured it.
 *
 * Term-proximity score (Büttcher, Clarke & Lushman, SIGIR 2006): every time two different query terms
 * occur within `window` tokens of each other, each is credited the other's idf / distance². The
 * accumulated credit is saturated BM25-style, so a passage that states the query's terms *together*
 * ("vitamin D deficiency increases fracture risk") outranks one that merely mentions them apart.
 * Segments (title, body) are scanned separately: a pair never spans the title/body boundary.
 */
export interface ProximityOptions {
  /** Largest token distance that still counts as "near" (default 5). */
  window: number;
  /** BM25-style saturation of the accumulated credit (default 1.2). */
  k1: number;
}

export const DEFAULT_PROXIMITY: Readonly<ProximityOptions> = { window: 5, k1: 1.2 };

export function proximityScore(
  queryTerms: readonly string[],
  segments: ReadonlyArray<readonly string[]>,
  idf: (term: string) => number,
  options: Partial<ProximityOptions> = {},
): number {
  const { window, k1 } = { ...DEFAULT_PROXIMITY, ...options };
  const wanted = new Map<string, number>();
  for (const term of queryTerms) if (!wanted.has(term)) wanted.set(term, idf(term));
  if (wanted.size < 2) return 0;
  const credit = new Map<string, number>();
  for (const tokens of segments) {
    // The last position of each query term seen so far in this segment, most recent first.
    let lastTerm: string | undefined;
    let lastPos = -1;
    for (let pos = 0; pos < tokens.length; pos++) {
      const term = tokens[pos];
      const weight = wanted.get(term);
      if (weight === undefined) continue;
      if (lastTerm !== undefined && lastTerm !== term) {
        const distance = pos - lastPos;
        if (distance <= window) {
          const closeness = 1 / (distance * distance);
          credit.set(term, (credit.get(term) ?? 0) + wanted.get(lastTerm)! * closeness);
          credit.set(lastTerm, (credit.get(lastTerm) ?? 0) + weight * closeness);
        }
      }
      lastTerm = term;
      lastPos = pos;
    }
  }
  let score = 0;
  for (const [term, acc] of credit) score += Math.min(1, wanted.get(term)!) * ((acc * (k1 + 1)) / (acc + k1));
  return score;
}
