import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { loadLlamaModel, type LlamaCppRuntime } from '../providers/llama-cpp/runtime.js';
import type { TrainingExample } from './trainer.js';

export interface PerplexityComparison {
  /** llama.cpp's perplexity on the answer tokens of the examples, base model alone. */
  perplexityBefore: number;
  /** The same with the GGUF LoRA adapter applied by llama.cpp. */
  perplexityAfter: number;
  /** Mean −log p with the adapter: comparable with the trainer's own final loss. */
  meanNllAfter: number;
  tokens: number;
  /** How many examples were scored (the first N, to bound the cost on big datasets). */
  examples: number;
}

type LocalModule = typeof import('./local/index.js');

/**
 * Scores the training examples with llama.cpp itself, before and after the adapter: the
 * independent check that the adapter llama.cpp loads is the one that was trained.
 */
export async function compareAdapterPerplexity(options: {
  baseModel: string;
  adapterPath: string;
  examples: TrainingExample[];
  maxSeqLen?: number;
  maxExamples?: number;
  /** Share the caller's llama.cpp runtime (starting another costs seconds). */
  runtime?: LlamaCppRuntime;
  logger?: Logger;
}): Promise<PerplexityComparison> {
  const logger = options.logger ?? silentLogger;
  // Loaded the same way as the trainer: only when a local adapter exists to check.
  const specifier = './local/index.js';
  const local = (await import(specifier)) as LocalModule;
  const loaded = await loadLlamaModel(options.baseModel, { runtime: options.runtime, gpu: false, logger });
  try {
    const sample = options.examples.slice(0, options.maxExamples ?? 64);
    const { sequences } = local.encodeExamples(sample, local.llamaTokenizer(loaded.model), options.maxSeqLen ?? local.LOCAL_LORA_DEFAULTS.maxSeqLen);
    const contextSize = Math.max(64, ...sequences.map((s) => s.tokens.length + 1));
    const score = async (adapterPath?: string) => {
      const scorer = await local.createLlamaCppScorer(loaded.model, { adapterPath, contextSize });
      try {
        return await scorer.score(sequences);
      } finally {
        await scorer.dispose();
      }
    };
    const before = await score();
    const after = await score(options.adapterPath);
    return { perplexityBefore: before.perplexity, perplexityAfter: after.perplexity, meanNllAfter: after.meanNll, tokens: after.tokens, examples: sample.length };
  } finally {
    await loaded.release();
  }
}
