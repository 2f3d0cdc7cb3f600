import { countTokens } from '../../chunking/tokens.js';
import type { LlamaCppRuntime } from '../../providers/llama-cpp/runtime.js';
import { loadLlamaModel } from '../../providers/llama-cpp/runtime.js';
import type { TokenCounter } from '../types.js';

/** Chat templates add a few tokens per message (role markers, separators); 4 is the usual cost. */
const PER_MESSAGE_OVERHEAD = 4;

/** The library's tokenizer-free estimate (a little over, on purpose). */
export const approximateTokenCounter: TokenCounter = (text) => countTokens(text);

export function exampleTokens(messages: Array<{ content: string }>, count: TokenCounter): number {
  return messages.reduce((sum, m) => sum + count(m.content) + PER_MESSAGE_OVERHEAD, 0);
}

export interface GgufTokenCounter {
  count: TokenCounter;
  release(): Promise<void>;
}

/** Counts with the GGUF model's own tokenizer (node-llama-cpp); release it when done. */
export async function createGgufTokenCounter(modelPath: string, runtime?: LlamaCppRuntime): Promise<GgufTokenCounter> {
  const loaded = await loadLlamaModel(modelPath, { runtime, gpu: false });
  return {
    count: (text) => loaded.model.tokenize(text).length,
    release: () => loaded.release(),
  };
}
