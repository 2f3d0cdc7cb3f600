import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult, EmbedOptions, Embedder } from '../types.js';
import { throwIfAborted } from '../shared/abort.js';
import { l2NormalizeInPlace } from '../shared/vectors.js';
import { type FeatureExtractor, assertModelDir, importTransformers, readJsonFile } from './model-dir.js';

export interface TransformersEmbedderSettings {
  /** A local model directory (config.json, tokenizer.json, onnx/model*.onnx). */
  modelDir?: string;
  /** A Hugging Face hub id (e.g. "Xenova/all-MiniLM-L6-v2"); needs `allowRemote` unless already in `cacheDir`. */
  modelId?: string;
  /** How token vectors become one vector: "mean" (default) or "cls". */
  pooling?: 'mean' | 'cls';
  /** L2-normalise the output (default true). */
  normalize?: boolean;
  /** Allow downloading from the hub (default false: strictly offline). */
  allowRemote?: boolean;
  /** Where downloaded hub models are kept. */
  cacheDir?: string;
  /** ONNX weight variant, e.g. "fp32" (onnx/model.onnx), "q8" (onnx/model_quantized.onnx). */
  dtype?: 'auto' | 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';
  /** Text put before queries / documents (e5: "query: " / "passage: "). */
  prefixes?: { query?: string; document?: string };
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  logger?: Logger;
}

export interface TransformersEmbedder extends Embedder {
  /** Read from config.json for local directories; otherwise 0 until loaded. */
  readonly dimensions: number;
  load(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * ONNX sentence-embedding models through transformers.js `feature-extraction`. Offline by
 * default: it loads only from `modelDir` (or an already-downloaded hub id in `cacheDir`) and
 * never touches the network unless `allowRemote` is set. Transformers.js global `env` is
 * left alone; offline mode is requested per call with `local_files_only`.
 */
export function createTransformersEmbedder(settings: TransformersEmbedderSettings): TransformersEmbedder {
  if ((settings.modelDir === undefined) === (settings.modelId === undefined)) {
    throw new TailorError('INVALID_ARGUMENT', 'Give exactly one of modelDir (a local directory) or modelId (a hub id).');
  }
  const logger = settings.logger ?? silentLogger;
  const allowRemote = settings.allowRemote ?? false;
  const dir = settings.modelDir === undefined ? undefined : resolve(settings.modelDir);
  let dimensions = 0;
  if (dir) {
    assertModelDir(dir, 'transformers.js (ONNX) model', ['config.json', 'tokenizer.json']);
    assertHasOnnx(dir);
    const config = readJsonFile(join(dir, 'config.json'));
    dimensions = Number(config.hidden_size ?? config.d_model ?? config.dim ?? 0) || 0;
  }
  const target = dir ?? settings.modelId!;
  const what = `ONNX embedder ${target}`;
  const batchSize = settings.batchSize ?? 16;
  let loading: Promise<FeatureExtractor> | undefined;

  function load(): Promise<FeatureExtractor> {
    loading ??= (async () => {
      const { pipeline } = await importTransformers();
      try {
        logger.log('debug', 'Loading ONNX embedding model', { model: target, allowRemote });
        return await pipeline('feature-extraction', target, {
          local_files_only: !allowRemote,
          ...(settings.cacheDir ? { cache_dir: settings.cacheDir } : {}),
          ...(settings.dtype ? { dtype: settings.dtype } : {}),
        });
      } catch (error) {
        const hint =
          dir === undefined && !allowRemote
            ? ' Remote downloads are off: download the model into a directory and use it as modelDir, or set allowRemote.'
            : '';
        throw new TailorError('MODEL_LOAD_FAILED', `Cannot load ${what}: ${(error as Error).message.replace(/\.+$/, "")}.${hint}`, {
          cause: error,
          details: { model: target },
        });
      }
    })().catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  return {
    provider: 'transformers',
    modelId: dir ? basename(dir) : settings.modelId!,
    get dimensions() {
      return dimensions;
    },
    async load() {
      await load();
    },
    async dispose() {
      const extractor = await loading?.catch(() => undefined);
      loading = undefined;
      await extractor?.dispose();
    },
    async doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>> {
      throwIfAborted(options.abortSignal, what);
      const extractor = await load();
      const prefix = options.kind ? (settings.prefixes?.[options.kind] ?? '') : '';
      const embeddings: Float32Array[] = [];
      for (let start = 0; start < options.values.length; start += batchSize) {
        throwIfAborted(options.abortSignal, what);
        const batch = options.values.slice(start, start + batchSize).map((v) => prefix + v);
        const output = await extractor(batch, { pooling: settings.pooling ?? 'mean', normalize: false });
        const width = output.dims[output.dims.length - 1];
        const data = output.data as Float32Array;
        for (let i = 0; i < batch.length; i++) {
          const vector = Float32Array.from(data.subarray(i * width, (i + 1) * width));
          embeddings.push(settings.normalize === false ? vector : l2NormalizeInPlace(vector));
        }
        dimensions = width;
      }
      return { result: { embeddings }, usage: {}, warnings: [] };
    },
  };
}

function assertHasOnnx(dir: string): void {
  const onnxDir = join(dir, 'onnx');
  const files = existsSync(onnxDir) ? readdirSync(onnxDir).filter((f) => f.endsWith('.onnx')) : [];
  if (files.length === 0) {
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      `${dir} has no ONNX weights (expected onnx/model.onnx). Export a sentence-transformers model with ` +
        '`optimum-cli export onnx --model <hub-id> <dir>` or download an ONNX build (e.g. Xenova/all-MiniLM-L6-v2).',
      { details: { path: dir } },
    );
  }
}
