import type { tf as TF } from './tf-runtime.js';
import type { LlamaConfig } from './llama-config.js';
import type { LlamaWeights } from './llama-weights.js';
import type { LoraParams } from './lora-params.js';
import { type ProjectionName, PROJECTION_TENSORS } from './llama-weights.js';
import { createFastMatMul } from './fast-matmul.js';

type Tf = typeof TF;

const WEIGHT_OF = { q: 'wq', k: 'wk', v: 'wv', o: 'wo', gate: 'gate', up: 'up', down: 'down' } as const;

/** Position tables for one sequence length, cached: building them costs more than using them. */
interface RopeTables {
  cos: TF.Tensor3D;
  sin: TF.Tensor3D;
  /** Causal mask for the grouped-query layout: [group * T, T], 0 or -1e9. */
  mask: TF.Tensor2D;
}

export interface LlamaForward {
  /** Logits [batch * T, vocab] for token ids [batch, T]. */
  logits(tokens: TF.Tensor2D): TF.Tensor2D;
  /**
   * Sum over masked positions of −log p(target), and the count of those positions.
   * targets/mask are [batch * T]: mask 1 where the next token is trained on.
   */
  lossSum(tokens: TF.Tensor2D, targets: TF.Tensor1D, mask: TF.Tensor1D): TF.Scalar;
  dispose(): void;
}

/**
 * llama.cpp's llama graph (src/models/llama.cpp) in TensorFlow.js: RMSNorm, "normal" RoPE on
 * consecutive pairs of each head (LLAMA_ROPE_TYPE_NORM; GGUF conversion already permuted Q/K
 * weights into that layout, so they are used as stored), grouped-query attention, SwiGLU MLP,
 * LoRA added to projections as llama.cpp does: W·x + (alpha/rank)·B·(A·x).
 */
export function createLlamaForward(tf: Tf, config: LlamaConfig, weights: LlamaWeights, lora?: LoraParams): LlamaForward {
  const { headCount: H, headCountKv: KV, headDim: hd } = config;
  const group = H / KV;
  const tables = new Map<number, RopeTables>();
  // (x @ rotate)[2i] = -x[2i+1], (x @ rotate)[2i+1] = x[2i]: the "rotate pairs" half of RoPE.
  const rotateValues = new Float32Array(hd * hd);
  for (let i = 0; i < config.ropeDims / 2; i++) {
    rotateValues[(2 * i + 1) * hd + 2 * i] = -1;
    rotateValues[2 * i * hd + 2 * i + 1] = 1;
  }
  const rotateMatrix = tf.tensor2d(rotateValues, [hd, hd]);
  const fast = createFastMatMul(tf);
  // The rotation is applied as x·R, so hand `frozen` R^T (it multiplies by its argument's transpose).
  const rotateT = tf.transpose(rotateMatrix);
  const rotate = fast.frozen(rotateT);
  const projections = weights.layers.map((w) =>
    Object.fromEntries(
      (Object.keys(PROJECTION_TENSORS) as ProjectionName[]).map((p) => [p, fast.frozen(w[WEIGHT_OF[p]])]),
    ) as Record<ProjectionName, ReturnType<typeof fast.frozen>>,
  );
  const output = fast.frozen(weights.output);

  function tablesFor(T: number): RopeTables {
    let t = tables.get(T);
    if (t) return t;
    const cos = new Float32Array(T * hd).fill(1);
    const sin = new Float32Array(T * hd);
    for (let pos = 0; pos < T; pos++) {
      for (let i = 0; i < config.ropeDims / 2; i++) {
        const theta = pos * Math.pow(config.ropeFreqBase, (-2 * i) / config.ropeDims);
        cos[pos * hd + 2 * i] = cos[pos * hd + 2 * i + 1] = Math.cos(theta);
        sin[pos * hd + 2 * i] = sin[pos * hd + 2 * i + 1] = Math.sin(theta);
      }
    }
    const mask = new Float32Array(group * T * T);
    for (let g = 0; g < group; g++) {
      for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) mask[(g * T + q) * T + k] = -1e9;
    }
    // Built inside the caller's tidy/gradient scope, so kept explicitly to outlive it.
    t = { cos: tf.keep(tf.tensor3d(cos, [T, 1, hd])), sin: tf.keep(tf.tensor3d(sin, [T, 1, hd])), mask: tf.keep(tf.tensor2d(mask, [group * T, T])) };
    tables.set(T, t);
    return t;
  }

  function rmsNorm(x: TF.Tensor2D, weight: TF.Tensor1D): TF.Tensor2D {
    const scale = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), config.rmsEps));
    return tf.mul(tf.mul(x, scale), weight) as TF.Tensor2D;
  }

  function project(x: TF.Tensor2D, layer: number, projection: ProjectionName): TF.Tensor2D {
    const y = projections[layer]![projection].apply(x);
    const pair = lora?.lookup(layer, projection);
    if (!pair) return y;
    const low = fast.mm(fast.mm(x, tf.transpose(pair.a as TF.Tensor2D)), tf.transpose(pair.b as TF.Tensor2D));
    return tf.add<TF.Tensor2D>(y, tf.mul(low, lora!.scale));
  }

  /** [B*T, heads*hd] → rotated [B, T, heads, hd]. */
  function rope(x: TF.Tensor2D, B: number, T: number, heads: number, rt: RopeTables): TF.Tensor4D {
    const rotated = rotate.apply(tf.reshape(x, [-1, hd]));
    const x4 = tf.reshape(x, [B, T, heads, hd]);
    return tf.add(tf.mul(x4, rt.cos), tf.mul(tf.reshape(rotated, [B, T, heads, hd]), rt.sin));
  }

  function attention(x: TF.Tensor2D, layer: number, B: number, T: number, rt: RopeTables): TF.Tensor2D {
    const q = rope(project(x, layer, 'q'), B, T, H, rt);
    const k = rope(project(x, layer, 'k'), B, T, KV, rt);
    const v = tf.reshape(project(x, layer, 'v'), [B, T, KV, hd]);
    // Heads sharing a KV head are consecutive (llama.cpp's GQA), so [B, KV, group*T, hd] lines
    // each query group up against its own K/V without copying them.
    // One (sequence, KV head) pair per batch entry: [B*KV, group*T, hd] against [B*KV, hd, T].
    const pairs = B * KV;
    const qs: TF.Tensor3D = tf.reshape(tf.transpose(q, [0, 2, 1, 3]), [pairs, group * T, hd]);
    const ks: TF.Tensor3D = tf.reshape(tf.transpose(k, [0, 2, 3, 1]), [pairs, hd, T]);
    const vs: TF.Tensor3D = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [pairs, T, hd]);
    // Scaling q (hd× smaller than the scores) instead of the scores saves a pass over [P, gT, T].
    const scores: TF.Tensor3D = tf.add(fast.bmm(tf.mul(qs, 1 / Math.sqrt(hd)), ks), rt.mask);
    const out = fast.bmm(tf.softmax(scores) as TF.Tensor3D, vs);
    const merged: TF.Tensor2D = tf.reshape(tf.transpose(tf.reshape(out, [B, H, T, hd]), [0, 2, 1, 3]), [B * T, H * hd]);
    return project(merged, layer, 'o');
  }

  function mlp(x: TF.Tensor2D, layer: number): TF.Tensor2D {
    const gate = project(x, layer, 'gate');
    const up = project(x, layer, 'up');
    return project(tf.mul(tf.mul(gate, tf.sigmoid(gate)), up), layer, 'down');
  }

  function logits(tokens: TF.Tensor2D): TF.Tensor2D {
    const [B, T] = tokens.shape;
    const rt = tablesFor(T);
    let h = tf.gather(weights.tokenEmbedding, tf.reshape(tokens, [-1])) as TF.Tensor2D;
    for (let layer = 0; layer < config.blockCount; layer++) {
      h = tf.add<TF.Tensor2D>(h, attention(rmsNorm(h, weights.layers[layer]!.attnNorm), layer, B, T, rt));
      h = tf.add<TF.Tensor2D>(h, mlp(rmsNorm(h, weights.layers[layer]!.ffnNorm), layer));
    }
    return output.apply(rmsNorm(h, weights.outputNorm));
  }

  function lossSum(tokens: TF.Tensor2D, targets: TF.Tensor1D, mask: TF.Tensor1D): TF.Scalar {
    const logp = tf.logSoftmax(logits(tokens));
    const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, config.vocabSize)), -1);
    return tf.neg(tf.sum(tf.mul(picked, mask)) as TF.Scalar);
  }

  return {
    logits,
    lossSum,
    dispose() {
      [rotateMatrix, rotateT].forEach((t) => t.dispose());
      rotate.dispose();
      output.dispose();
      projections.forEach((p) => Object.values(p).forEach((f) => f.dispose()));
      for (const t of tables.values()) (t.cos.dispose(), t.sin.dispose(), t.mask.dispose());
      tables.clear();
    },
  };
}
