import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LlamaModel, Token } from 'node-llama-cpp';
import { useStoriesModel, STORIES_MODEL as MODEL } from './helpers/stories-model.js';
import { readGgufFile } from '../src/finetune/local/gguf-read.js';
import { readLlamaConfig } from '../src/finetune/local/llama-config.js';
import { loadLlamaWeights } from '../src/finetune/local/llama-weights.js';
import { createLlamaForward } from '../src/finetune/local/llama-forward.js';
import { createLoraParams, projectionShape } from '../src/finetune/local/lora-params.js';
import { writeLoraAdapterGguf } from '../src/finetune/local/gguf-write.js';
import { useTfBackend } from '../src/finetune/local/tf-runtime.js';
import { createFastMatMul } from '../src/finetune/local/fast-matmul.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEXT = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog.';
/**
 * llama.cpp keeps its KV cache in f16, so logits differ from an all-f32 forward pass by ~1e-2
 * on logits of magnitude ~20; 0.1 absolute is the bound, and log-perplexity must agree to 0.2%.
 */
const LOGIT_TOLERANCE = 0.1;

async function llamaLogits(model: LlamaModel, tokens: number[], adapter?: string): Promise<Array<Map<Token, number>>> {
  const context = await model.createContext({ threads: 1, contextSize: 256, ...(adapter ? { lora: { adapters: [{ filePath: adapter }] } } : {}) });
  try {
    const out = await context.getSequence().controlledEvaluate(tokens.map((t) => [t as Token, { generateNext: { logits: true } }]));
    return out.map((o) => o!.next.logits!);
  } finally {
    await context.dispose();
  }
}

function logSumExp(values: Iterable<number>): number {
  const arr = [...values];
  const max = Math.max(...arr);
  return max + Math.log(arr.reduce((s, x) => s + Math.exp(x - max), 0));
}

describe('llama forward pass in TensorFlow.js against llama.cpp (stories260K)', () => {
  const loaded = useStoriesModel();
  const dir = mkdtempSync(join(tmpdir(), 'tailor-forward-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('logits and perplexity of a text agree', async () => {
    const model = loaded();
    const tokens = [model.tokens.bos!, ...model.tokenize(TEXT)];
    const reference = await llamaLogits(model, tokens);
    const tf = await useTfBackend('wasm');
    const file = readGgufFile(MODEL);
    const config = readLlamaConfig(file);
    const weights = loadLlamaWeights(tf, file, config);
    const forward = createLlamaForward(tf, config, weights);
    const ours = tf.tidy(() => forward.logits(tf.tensor2d(tokens, [1, tokens.length], 'int32'))).arraySync() as number[][];
    let maxDiff = 0;
    let nllRef = 0;
    let nllOurs = 0;
    for (let i = 0; i < tokens.length; i++) {
      for (const [token, value] of reference[i]!) maxDiff = Math.max(maxDiff, Math.abs(value - ours[i]![token]!));
      if (i + 1 < tokens.length) {
        nllRef += logSumExp(reference[i]!.values()) - reference[i]!.get(tokens[i + 1] as Token)!;
        nllOurs += logSumExp(ours[i]!) - ours[i]![tokens[i + 1]!]!;
      }
    }
    forward.dispose();
    weights.dispose();
    assert.ok(maxDiff < LOGIT_TOLERANCE, `max logit difference ${maxDiff}`);
    const n = tokens.length - 1;
    assert.ok(Math.abs(nllRef / n - nllOurs / n) < 0.002 * Math.max(1, nllRef / n), `mean NLL ${nllRef / n} vs ${nllOurs / n}`);
  });

  test('an exported random LoRA on every projection changes llama.cpp logits exactly as ours', async () => {
    const model = loaded();
    const tokens = [model.tokens.bos!, ...model.tokenize(TEXT.slice(0, 60))];
    const tf = await useTfBackend('wasm');
    const file = readGgufFile(MODEL);
    const config = readLlamaConfig(file);
    const weights = loadLlamaWeights(tf, file, config);
    const targets = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
    const lora = createLoraParams(tf, config, { rank: 4, alpha: 8, targets: [...targets], seed: 3 });
    for (const p of lora.pairs) p.b.assign(tf.mul(tf.randomNormal(p.b.shape, 0, 1, 'float32', 7), 0.3));
    const adapter = join(dir, 'random.gguf');
    writeLoraAdapterGguf(adapter, {
      architecture: 'llama',
      alpha: 8,
      pairs: lora.pairs.map((p) => {
        const s = projectionShape(config, p.projection);
        return { target: p.target, rank: 4, inFeatures: s.in, outFeatures: s.out, a: p.a.dataSync() as Float32Array, b: p.b.dataSync() as Float32Array };
      }),
    });
    const reference = await llamaLogits(model, tokens, adapter);
    const base = await llamaLogits(model, tokens);
    const forward = createLlamaForward(tf, config, weights, lora);
    const ours = tf.tidy(() => forward.logits(tf.tensor2d(tokens, [1, tokens.length], 'int32'))).arraySync() as number[][];
    let maxDiff = 0;
    let loraEffect = 0;
    for (let i = 0; i < tokens.length; i++) {
      for (const [token, value] of reference[i]!) {
        maxDiff = Math.max(maxDiff, Math.abs(value - ours[i]![token]!));
        loraEffect = Math.max(loraEffect, Math.abs(value - base[i]!.get(token)!));
      }
    }
    forward.dispose();
    lora.dispose();
    weights.dispose();
    assert.ok(loraEffect > 1, `the adapter should visibly change llama.cpp's logits (max change ${loraEffect})`);
    assert.ok(maxDiff < LOGIT_TOLERANCE, `max logit difference with adapter ${maxDiff}`);
  });
});

describe('fast matrix products', () => {
  test('values and gradients equal tf.matMul (2-D, batched, frozen)', async () => {
    const tf = await useTfBackend('wasm');
    const fast = createFastMatMul(tf);
    const close = (a: import('@tensorflow/tfjs-core').Tensor, b: import('@tensorflow/tfjs-core').Tensor) =>
      tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    const a2 = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as import('@tensorflow/tfjs-core').Tensor2D;
    const b2 = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as import('@tensorflow/tfjs-core').Tensor2D;
    const a3 = tf.randomNormal([6, 5, 3], 0, 1, 'float32', 3) as import('@tensorflow/tfjs-core').Tensor3D;
    const b3 = tf.randomNormal([6, 3, 4], 0, 1, 'float32', 4) as import('@tensorflow/tfjs-core').Tensor3D;
    const weight = tf.randomNormal([4, 3], 0, 1, 'float32', 5) as import('@tensorflow/tfjs-core').Tensor2D;
    const probe = tf.randomNormal([5, 4], 0, 1, 'float32', 6);
    const probe3 = tf.randomNormal([6, 5, 4], 0, 1, 'float32', 7);
    const loss2 = (f: typeof fast.mm) => (a: any, b: any) => tf.sum(tf.mul(f(a, b), probe));
    const loss3 = (f: typeof fast.bmm) => (a: any, b: any) => tf.sum(tf.mul(f(a, b), probe3));
    const [fa, fb] = tf.grads(loss2(fast.mm))([a2, b2]);
    const [ra, rb] = tf.grads(loss2((a, b) => tf.matMul(a, b)))([a2, b2]);
    assert.ok(close(fast.mm(a2, b2), tf.matMul(a2, b2)) < 1e-5);
    assert.ok(close(fa!, ra!) < 1e-5 && close(fb!, rb!) < 1e-5);
    const [fa3, fb3] = tf.grads(loss3(fast.bmm))([a3, b3]);
    const [ra3, rb3] = tf.grads(loss3((a, b) => tf.matMul(a, b)))([a3, b3]);
    assert.ok(close(fast.bmm(a3, b3), tf.matMul(a3, b3)) < 1e-5);
    assert.ok(close(fa3!, ra3!) < 1e-5 && close(fb3!, rb3!) < 1e-5);
    const frozen = fast.frozen(weight);
    const [fx] = tf.grads((x: any) => tf.sum(tf.mul(frozen.apply(x), probe)))([a2]);
    const [rx] = tf.grads((x: any) => tf.sum(tf.mul(tf.matMul(x, weight, false, true), probe)))([a2]);
    assert.ok(close(frozen.apply(a2), tf.matMul(a2, weight, false, true)) < 1e-5);
    assert.ok(close(fx!, rx!) < 1e-5);
    frozen.dispose();
  });
});
