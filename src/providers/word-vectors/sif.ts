/**
 * Smooth inverse frequency pooling (Arora et al. 2017): a sentence vector is the average of
 * its word vectors weighted by a / (a + p(w)), so frequent words ("the", "of") count little.
 * We skip SIF's common-component removal: it needs a fitted corpus, and this embedder must
 * give the same vector for the same text whatever else was indexed.
 */

/** Lowercased runs of letters and digits; apostrophes and punctuation split words. */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The package ships no counts, but its words are in corpus-frequency order, so Zipf's law
 * gives p(rank r) ≈ 1 / (r · H_N) with H_N the N-th harmonic number (r is 1-based).
 */
export function zipfProbabilities(count: number, vocabularySize: number): Float64Array {
  const harmonic = Math.log(vocabularySize) + 0.5772156649 + 1 / (2 * vocabularySize);
  const p = new Float64Array(count);
  for (let r = 0; r < count; r++) p[r] = 1 / ((r + 1) * harmonic);
  return p;
}

export function sifWeights(probabilities: Float64Array, a: number): Float32Array {
  const w = new Float32Array(probabilities.length);
  for (let i = 0; i < w.length; i++) w[i] = a / (a + probabilities[i]);
  return w;
}
