/**
 * A deterministic synthetic corpus: English words from SciFact drawn with Zipf's law,
 * so term statistics look like real text. Used to measure at sizes SciFact lacks.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRandom } from '../src/core/random.js';

export function scifactVocabulary(): string[] {
  const text = gunzipSync(readFileSync(new URL('../../shared/data/scifact/corpus.jsonl.gz', import.meta.url))).toString('utf8');
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z]{2,}/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
}

/** Draws words by Zipf(1) over the vocabulary's ranks (inverse CDF); `minRank` skips the most common words. */
export function zipfSampler(vocabulary: string[], random: () => number): (minRank?: number) => string {
  const cdf = new Float64Array(vocabulary.length);
  let total = 0;
  for (let r = 0; r < vocabulary.length; r++) cdf[r] = total += 1 / (r + 1);
  return (minRank = 0) => {
    for (;;) {
      const x = random() * total;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= minRank) return vocabulary[lo]!;
    }
  };
}

/** Yields `count` passages of 40–80 words; `seed` makes the corpus reproducible. */
export function* syntheticPassages(count: number, vocabulary: string[], seed = 7): Generator<{ id: string; title: string; text: string }> {
  const random = createRandom(seed);
  const sample = zipfSampler(vocabulary, random);
  const draw = () => sample();
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 40 + Math.floor(random() * 41) }, draw);
    const title = Array.from({ length: 4 }, draw).join(' ');
    yield { id: String(i), title, text: words.join(' ') + '.' };
  }
}
