import { basename } from 'node:path';
import type { LlamaEmbeddingContext } from 'node-llama-cpp';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CallResult, EmbedOptions, Embedder } from '../types.js';
import { abortedError, throwIfAborted } from '../shared/abort.js';
import { createMutex } from '../shared/mutex.js';
import { l2NormalizeInPlace } from '../shared/vectors.js';
import { type LlamaCppRuntime, type LlamaGpuChoice, type LoadedLlamaModel, defaultThreads, loadLlamaModel } from './runtime.js';

export interface LlamaCppEmbedderSettings {
  modelPath: string;
  threads?: number;
  /** Longest input in tokens; longer texts are truncated (with a warning). Default 2048, capped at the model's. */
  contextSize?: number;
  /** Shared llama.cpp runtime (see createLlamaCppRuntime); a private one is made if left out. */
  runtime?: LlamaCppRuntime;
  /** Used only when no runtime is passed. */
  gpu?: LlamaGpuChoice;
  logger?: Logger;
}

export interface LlamaCppEmbedder extends Embedder {
  /** 0 until the model is loaded (by `load()` or the first `doEmbed`). */
  readonly dimensions: number;
  load(): Promise<void>;
  dispose(): Promise<void>;
}

interface Loaded extends LoadedLlamaModel {
  context: LlamaEmbeddingContext;
  maxTokens: number;
}

/** Embeddings from a GGUF model, L2-normalised so cosine and dot product agree. */
export function createLlamaCppEmbedder(settings: LlamaCppEmbedderSettings): LlamaCppEmbedder {
  const what = `GGUF embedder ${settings.modelPath}`;
  const threads = defaultThreads(settings.threads);
  const mutex = createMutex();
  let loading: Promise<Loaded> | undefined;
  let dimensions = 0;

  function load(): Promise<Loaded> {
    loading ??= (async () => {
      const base = await loadLlamaModel(settings.modelPath, settings);
      try {
        const contextSize = Math.min(settings.contextSize ?? 2048, base.model.trainContextSize);
        const context = await base.model.createEmbeddingContext({ contextSize, ...(threads === undefined ? {} : { threads }) });
        dimensions = base.model.embeddingVectorSize;
        return { ...base, context, maxTokens: contextSize };
      } catch (error) {
        await base.release();
        throw new TailorError('MODEL_LOAD_FAILED', `Could not create an embedding context for ${settings.modelPath}: ${(error as Error).message}`, {
          cause: error,
          details: { path: settings.modelPath },
        });
      }
    })().catch((error) => {
      loading = undefined;
      throw error;
    });
    return loading;
  }

  return {
    provider: 'llama-cpp',
    modelId: basename(settings.modelPath),
    get dimensions() {
      return dimensions;
    },
    async load() {
      await load();
    },
    async dispose() {
      const state = await loading?.catch(() => undefined);
      loading = undefined;
      await state?.release();
    },

    async doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>> {
      throwIfAborted(options.abortSignal, what);
      const state = await load();
      return mutex.run(async () => {
        const embeddings: Float32Array[] = [];
        const warnings: string[] = [];
        let inputTokens = 0;
        for (const [i, text] of options.values.entries()) {
          throwIfAborted(options.abortSignal, what);
          let tokens = state.model.tokenize(text);
          // Leave room for the BOS/EOS tokens the context may add.
          const room = state.maxTokens - 2;
          if (tokens.length > room) {
            warnings.push(`Input ${i} has ${tokens.length} tokens; embedded only the first ${room}.`);
            tokens = tokens.slice(0, room);
          }
          inputTokens += tokens.length;
          try {
            const embedding = await state.context.getEmbeddingFor(tokens);
            embeddings.push(l2NormalizeInPlace(Float32Array.from(embedding.vector)));
          } catch (error) {
            if (options.abortSignal?.aborted) throw abortedError(what, error);
            throw new TailorError('PROVIDER_ERROR', `${what} failed on input ${i}: ${(error as Error).message}`, {
              cause: error,
              details: { path: settings.modelPath },
            });
          }
        }
        return { result: { embeddings }, usage: { inputTokens }, warnings };
      });
    },
  };
}
