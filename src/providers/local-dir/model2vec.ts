import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TailorError } from '../../core/errors.js';
import type { CallResult, EmbedOptions, Embedder } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { l2NormalizeInPlace } from '../shared/vectors.js';
import { assertModelDir, readJsonFile } from './model-dir.js';
import { type SafetensorsFile, readSafetensors, tensorToFloat32, tensorToInt32 } from './safetensors.js';

export interface Model2VecEmbedderSettings {
  /** A model2vec directory: model.safetensors + tokenizer.json (+ config.json). */
  modelDir: string;
  /** Default: config.json's `normalize`, else true. */
  normalize?: boolean;
  /** Tokens per text before truncation (model2vec's default is 512). */
  maxTokens?: number;
}

export interface Model2VecEmbedder extends Embedder {
  load(): Promise<void>;
}

interface Loaded {
  tokenizer: Tokenizer;
  unkId: number | undefined;
  /** rows × dimensions */
  table: Float32Array;
  /** token id → row (vocabulary-quantised models), else identity */
  mapping: Int32Array | undefined;
  /** per-token weight (vocabulary-quantised models), else 1 */
  weights: Float32Array | undefined;
  vocabularySize: number;
}

const EMBEDDING_TENSORS = ['embeddings', 'embedding.weight'];

/**
 * model2vec static embeddings: tokenise, look up each token's vector (through `mapping` and
 * scaled by `weights` when the vocabulary is quantised), mean-pool, L2-normalise. Tokenising
 * uses @huggingface/tokenizers (the tokenizers of transformers.js, without its ONNX runtime)
 * on the directory's tokenizer.json; nothing is fetched.
 * Texts with no known token embed as the zero vector.
 */
export function createModel2VecEmbedder(settings: Model2VecEmbedderSettings): Model2VecEmbedder {
  const dir = resolve(settings.modelDir);
  assertModelDir(dir, 'model2vec model', ['model.safetensors', 'tokenizer.json']);
  const dimensions = readEmbeddingWidth(join(dir, 'model.safetensors'));
  const config = readOptionalConfig(join(dir, 'config.json'));
  const normalize = settings.normalize ?? (typeof config.normalize === 'boolean' ? config.normalize : true);
  const maxTokens = settings.maxTokens ?? 512;
  let loading: Promise<Loaded> | undefined;

  function load(): Promise<Loaded> {
    loading ??= loadModel(dir).catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  return {
    provider: 'model2vec',
    modelId: basename(dir),
    dimensions,
    async load() {
      await load();
    },
    async doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>> {
      throwIfAborted(options.abortSignal, 'model2vec embedding');
      const model = await load();
      let inputTokens = 0;
      const embeddings = options.values.map((text) => {
        let ids = model.tokenizer.encode(text, { add_special_tokens: false }).ids;
        if (model.unkId !== undefined) ids = ids.filter((id: number) => id !== model.unkId);
        ids = ids.slice(0, maxTokens);
        inputTokens += ids.length;
        return pool(ids, model, dimensions, normalize);
      });
      return { result: { embeddings }, usage: { inputTokens }, warnings: [] };
    },
  };
}

function pool(ids: number[], model: Loaded, dimensions: number, normalize: boolean): Float32Array {
  const out = new Float32Array(dimensions);
  let count = 0;
  for (const id of ids) {
    if (id < 0 || id >= model.vocabularySize) continue;
    const row = (model.mapping ? model.mapping[id] : id) * dimensions;
    const weight = model.weights ? model.weights[id] : 1;
    for (let d = 0; d < dimensions; d++) out[d] += weight * model.table[row + d];
    count++;
  }
  if (count === 0) return out;
  for (let d = 0; d < dimensions; d++) out[d] /= count;
  return normalize ? l2NormalizeInPlace(out) : out;
}

async function loadModel(dir: string): Promise<Loaded> {
  const path = join(dir, 'model.safetensors');
  const file: SafetensorsFile = readSafetensors(path);
  const name = EMBEDDING_TENSORS.find((n) => file.tensors.has(n))!;
  const embedding = file.tensors.get(name)!;
  const rows = embedding.shape[0];
  const table = tensorToFloat32(embedding);
  const mappingTensor = file.tensors.get('mapping');
  const weightsTensor = file.tensors.get('weights');
  const mapping = mappingTensor ? tensorToInt32(mappingTensor, path, 'mapping') : undefined;
  const weights = weightsTensor ? tensorToFloat32(weightsTensor) : undefined;
  if (mapping && mapping.some((row) => row < 0 || row >= rows)) {
    throw new TailorError('MODEL_LOAD_FAILED', `${path}: "mapping" points outside the ${rows} embedding rows.`, { details: { path } });
  }
  const vocabularySize = mapping?.length ?? weights?.length ?? rows;

  let tokenizer: Tokenizer;
  try {
    const configPath = join(dir, 'tokenizer_config.json');
    tokenizer = new Tokenizer(readJsonFile(join(dir, 'tokenizer.json')), existsSync(configPath) ? readJsonFile(configPath) : {});
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `Cannot load the tokenizer in ${dir}: ${(error as Error).message}`, {
      cause: error,
      details: { path: dir },
    });
  }
  const unkId = (tokenizer as unknown as { model?: { unk_token_id?: number } }).model?.unk_token_id;
  return { tokenizer, unkId: typeof unkId === 'number' ? unkId : undefined, table, mapping, weights, vocabularySize };
}

/** Reads only the safetensors header, so `dimensions` is known without loading the weights. */
function readEmbeddingWidth(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    readSync(fd, lengthBytes, 0, 8, 0);
    const headerLength = Number(lengthBytes.readBigUInt64LE(0));
    if (headerLength <= 0 || headerLength > 100_000_000) throw new Error(`implausible header length ${headerLength}`);
    const header = Buffer.alloc(headerLength);
    readSync(fd, header, 0, headerLength, 8);
    const tensors = JSON.parse(header.toString('utf8')) as Record<string, { shape?: number[] }>;
    const name = EMBEDDING_TENSORS.find((n) => tensors[n]);
    const shape = name ? tensors[name].shape : undefined;
    if (!shape || shape.length !== 2) {
      throw new Error(`no 2-D tensor named ${EMBEDDING_TENSORS.join(' or ')} (found ${Object.keys(tensors).join(', ')})`);
    }
    return shape[1];
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `${path} is not a model2vec safetensors file: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  } finally {
    closeSync(fd);
  }
}

function readOptionalConfig(path: string): Record<string, unknown> {
  try {
    return readJsonFile(path);
  } catch {
    return {};
  }
}
