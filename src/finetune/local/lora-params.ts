import type { tf as TF } from './tf-runtime.js';
import type { LlamaConfig } from './llama-config.js';
import { type ProjectionName, layerTensorName } from './llama-weights.js';
import { createRandom } from '../../core/random.js';

type Tf = typeof TF;

export interface LoraPair {
  /** GGUF base tensor name, e.g. blk.0.attn_q.weight. */
  target: string;
  layer: number;
  projection: ProjectionName;
  /** [rank, in] — ggml ne [in, rank], llama.cpp's `lora_a`. */
  a: TF.Variable;
  /** [out, rank] — ggml ne [rank, out], llama.cpp's `lora_b`. */
  b: TF.Variable;
}

export interface LoraParams {
  rank: number;
  alpha: number;
  /** alpha / rank, as llama.cpp applies it (times the adapter scale). */
  scale: number;
  pairs: LoraPair[];
  /** Per layer and projection, for the forward pass. */
  lookup(layer: number, projection: ProjectionName): LoraPair | undefined;
  variables(): TF.Variable[];
  dispose(): void;
}

export function projectionShape(config: LlamaConfig, projection: ProjectionName): { in: number; out: number } {
  const d = config.embeddingLength;
  const kv = config.headCountKv * config.headDim;
  switch (projection) {
    case 'q': return { in: d, out: config.headCount * config.headDim };
    case 'k':
    case 'v': return { in: d, out: kv };
    case 'o': return { in: config.headCount * config.headDim, out: d };
    case 'gate':
    case 'up': return { in: d, out: config.feedForwardLength };
    case 'down': return { in: config.feedForwardLength, out: d };
  }
}

/**
 * LoRA as in Hu et al.: A random (Kaiming-uniform like PEFT), B zero, so training starts from
 * the base model exactly. `initial` restores saved values instead (resume).
 */
export function createLoraParams(
  tf: Tf,
  config: LlamaConfig,
  options: { rank: number; alpha: number; targets: ProjectionName[]; seed: number; initial?: Map<string, Float32Array> },
): LoraParams {
  const random = createRandom(options.seed);
  const pairs: LoraPair[] = [];
  for (let layer = 0; layer < config.blockCount; layer++) {
    for (const projection of options.targets) {
      const shape = projectionShape(config, projection);
      const target = layerTensorName(layer, projection);
      const bound = 1 / Math.sqrt(shape.in);
      const aInit = options.initial?.get(`${target}.lora_a`) ?? Float32Array.from({ length: options.rank * shape.in }, () => (random() * 2 - 1) * bound);
      const bInit = options.initial?.get(`${target}.lora_b`) ?? new Float32Array(shape.out * options.rank);
      pairs.push({
        target,
        layer,
        projection,
        a: tf.variable(tf.tensor2d(aInit, [options.rank, shape.in]), true, `${target}.lora_a`),
        b: tf.variable(tf.tensor2d(bInit, [shape.out, options.rank]), true, `${target}.lora_b`),
      });
    }
  }
  const byKey = new Map(pairs.map((p) => [`${p.layer}:${p.projection}`, p]));
  return {
    rank: options.rank,
    alpha: options.alpha,
    scale: options.alpha / options.rank,
    pairs,
    lookup: (layer, projection) => byKey.get(`${layer}:${projection}`),
    variables: () => pairs.flatMap((p) => [p.a, p.b]),
    dispose: () => pairs.forEach((p) => (p.a.dispose(), p.b.dispose())),
  };
}
