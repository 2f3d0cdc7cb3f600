/** Relevance judgements for one query: document id → graded relevance (> 0 is relevant). */
export type Qrels = Map<string, number>;

/** nDCG@k with linear gains, as pytrec_eval (and so BEIR) computes it. */
export function ndcgAt(ranking: string[], qrels: Qrels, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranking.length); i++) {
    const gain = qrels.get(ranking[i]!) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...qrels.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += ideal[i]! / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

export function recallAt(ranking: string[], qrels: Qrels, k: number): number {
  const relevant = [...qrels].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

export function mrrAt(ranking: string[], qrels: Qrels, k: number): number {
  for (let i = 0; i < Math.min(k, ranking.length); i++) {
    if ((qrels.get(ranking[i]!) ?? 0) > 0) return 1 / (i + 1);
  }
  return 0;
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
