import type { tf as TF } from './tf-runtime.js';
import type { GgufModelFile } from './gguf-read.js';
import type { LlamaConfig } from './llama-config.js';

type Tf = typeof TF;

export interface LlamaLayerWeights {
  attnNorm: TF.Tensor1D;
  /** Projections are [out, in], exactly the GGUF layout (ggml ne = [in, out]). */
  wq: TF.Tensor2D;
  wk: TF.Tensor2D;
  wv: TF.Tensor2D;
  wo: TF.Tensor2D;
  ffnNorm: TF.Tensor1D;
  gate: TF.Tensor2D;
  up: TF.Tensor2D;
  down: TF.Tensor2D;
}

export interface LlamaWeights {
  tokenEmbedding: TF.Tensor2D;
  outputNorm: TF.Tensor1D;
  output: TF.Tensor2D;
  layers: LlamaLayerWeights[];
  dispose(): void;
}

/** GGUF tensor name of each projection LoRA can target. */
export const PROJECTION_TENSORS = {
  q: 'attn_q',
  k: 'attn_k',
  v: 'attn_v',
  o: 'attn_output',
  gate: 'ffn_gate',
  up: 'ffn_up',
  down: 'ffn_down',
} as const;

export type ProjectionName = keyof typeof PROJECTION_TENSORS;

export function layerTensorName(layer: number, projection: ProjectionName): string {
  return `blk.${layer}.${PROJECTION_TENSORS[projection]}.weight`;
}

/** Loads the frozen base weights as f32 tensors (dequantising quantised ones). */
export function loadLlamaWeights(tf: Tf, file: GgufModelFile, config: LlamaConfig): LlamaWeights {
  const all: TF.Tensor[] = [];
  const matrix = (name: string): TF.Tensor2D => {
    const info = file.tensors.find((t) => t.name === name);
    const [cols, rows] = info!.dims as [number, number];
    const t = tf.tensor2d(file.readTensor(name), [rows, cols]);
    all.push(t);
    return t;
  };
  const vector = (name: string): TF.Tensor1D => {
    const t = tf.tensor1d(file.readTensor(name));
    all.push(t);
    return t;
  };
  const tokenEmbedding = matrix('token_embd.weight');
  const layers: LlamaLayerWeights[] = [];
  for (let i = 0; i < config.blockCount; i++) {
    layers.push({
      attnNorm: vector(`blk.${i}.attn_norm.weight`),
      wq: matrix(layerTensorName(i, 'q')),
      wk: matrix(layerTensorName(i, 'k')),
      wv: matrix(layerTensorName(i, 'v')),
      wo: matrix(layerTensorName(i, 'o')),
      ffnNorm: vector(`blk.${i}.ffn_norm.weight`),
      gate: matrix(layerTensorName(i, 'gate')),
      up: matrix(layerTensorName(i, 'up')),
      down: matrix(layerTensorName(i, 'down')),
    });
  }
  return {
    tokenEmbedding,
    outputNorm: vector('output_norm.weight'),
    output: config.tiedOutput ? tokenEmbedding : matrix('output.weight'),
    layers,
    dispose: () => all.forEach((t) => t.dispose()),
  };
}
