import type { tf as TF } from './tf-runtime.js';
import type { EncodedSequence } from './examples.js';

type Tf = typeof TF;

/** One padded micro-batch: inputs [B, T]; targets and mask flattened [B * T]. */
export interface Batch {
  inputs: TF.Tensor2D;
  targets: TF.Tensor1D;
  mask: TF.Tensor1D;
  /** Positions with loss (mask sum). */
  trainedTokens: number;
  /** Real (unpadded) input tokens: what tokens/s counts. */
  inputTokens: number;
  dispose(): void;
}

/**
 * Pads to the longest sequence in the batch with EOS; padding sits after the real tokens, so
 * causal attention never lets it influence them, and its mask is 0.
 */
export function makeBatch(tf: Tf, sequences: EncodedSequence[], padToken: number): Batch {
  const T = Math.max(...sequences.map((s) => s.tokens.length - 1));
  const B = sequences.length;
  const inputs = new Int32Array(B * T).fill(padToken);
  const targets = new Int32Array(B * T).fill(padToken);
  const mask = new Float32Array(B * T);
  let trainedTokens = 0;
  let inputTokens = 0;
  sequences.forEach((seq, b) => {
    for (let i = 0; i < seq.tokens.length - 1; i++) {
      inputs[b * T + i] = seq.tokens[i]!;
      targets[b * T + i] = seq.tokens[i + 1]!;
      if (seq.trained[i + 1]) {
        mask[b * T + i] = 1;
        trainedTokens++;
      }
      inputTokens++;
    }
  });
  const batch = {
    inputs: tf.tensor2d(inputs, [B, T], 'int32'),
    targets: tf.tensor1d(targets, 'int32'),
    mask: tf.tensor1d(mask),
    trainedTokens,
    inputTokens,
    dispose() {
      batch.inputs.dispose();
      batch.targets.dispose();
      batch.mask.dispose();
    },
  };
  return batch;
}

/**
 * Groups sequences into micro-batches of `batchSize`, sorting each window of 8 batches by length
 * first so padding stays small while the order still follows the shuffle.
 */
export function planBatches(sequences: EncodedSequence[], batchSize: number): EncodedSequence[][] {
  const window = batchSize * 8;
  const out: EncodedSequence[][] = [];
  for (let w = 0; w < sequences.length; w += window) {
    const part = sequences.slice(w, w + window).sort((a, b) => a.tokens.length - b.tokens.length);
    for (let i = 0; i < part.length; i += batchSize) out.push(part.slice(i, i + batchSize));
  }
  return out;
}
