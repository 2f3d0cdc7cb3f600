import { TailorError } from '../../core/errors.js';
import type { GgufModelFile } from './gguf-read.js';

/** The hyperparameters of a llama-architecture GGUF, as llama.cpp reads them. */
export interface LlamaConfig {
  architecture: 'llama';
  embeddingLength: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  headDim: number;
  blockCount: number;
  contextLength: number;
  /** Dimensions of each head that RoPE rotates (the rest pass through). */
  ropeDims: number;
  ropeFreqBase: number;
  rmsEps: number;
  vocabSize: number;
  /** Output projection shares the token embedding (no output.weight tensor). */
  tiedOutput: boolean;
  bosTokenId: number;
  eosTokenId: number;
}

function num(file: GgufModelFile, key: string, fallback?: number): number {
  const value = file.getMetadata(key);
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (fallback !== undefined) return fallback;
  throw new TailorError('UNSUPPORTED_FORMAT', `The GGUF model ${file.path} has no ${key}; it is not a complete llama model.`, {
    details: { path: file.path, key },
  });
}

export function readLlamaConfig(file: GgufModelFile): LlamaConfig {
  const arch = file.getMetadata<string>('general.architecture');
  if (arch !== 'llama') {
    throw new TailorError(
      'UNSUPPORTED_FORMAT',
      `In-process LoRA training supports llama-architecture GGUF models; ${file.path} is "${String(arch)}". Use the remote or cluster backend for it.`,
      { details: { path: file.path, architecture: arch } },
    );
  }
  const scaling = file.getMetadata<string>('llama.rope.scaling.type');
  if (scaling !== undefined && scaling !== 'none') {
    throw new TailorError('UNSUPPORTED_FORMAT', `RoPE scaling "${scaling}" in ${file.path} is not supported by the in-process trainer.`, {
      details: { path: file.path },
    });
  }
  const embeddingLength = num(file, 'llama.embedding_length');
  const headCount = num(file, 'llama.attention.head_count');
  const headDim = embeddingLength / headCount;
  const tokens = file.getMetadata<string[]>('tokenizer.ggml.tokens');
  const embd = file.tensors.find((t) => t.name === 'token_embd.weight');
  return {
    architecture: 'llama',
    embeddingLength,
    feedForwardLength: num(file, 'llama.feed_forward_length'),
    headCount,
    headCountKv: num(file, 'llama.attention.head_count_kv', headCount),
    headDim,
    blockCount: num(file, 'llama.block_count'),
    contextLength: num(file, 'llama.context_length'),
    ropeDims: num(file, 'llama.rope.dimension_count', headDim),
    ropeFreqBase: num(file, 'llama.rope.freq_base', 10000),
    rmsEps: num(file, 'llama.attention.layer_norm_rms_epsilon'),
    vocabSize: Array.isArray(tokens) ? tokens.length : (embd?.dims[1] ?? 0),
    tiedOutput: !file.hasTensor('output.weight'),
    bosTokenId: num(file, 'tokenizer.ggml.bos_token_id', 1),
    eosTokenId: num(file, 'tokenizer.ggml.eos_token_id', 2),
  };
}
