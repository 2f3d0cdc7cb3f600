import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaModel, Token } from 'node-llama-cpp';
import { createLocalLoraTrainer, createLlamaCppScorer, encodeExamples, llamaTokenizer, rawTextExample } from '../src/finetune/local/index.js';
import { compareAdapterPerplexity } from '../src/finetune/perplexity.js';
import { createLlamaCppRuntime } from '../src/providers/llama-cpp/runtime.js';
import { STORIES_MODEL as MODEL } from './helpers/stories-model.js';


/** Handbook-like prose a children's-story model finds unlikely, long enough to need several windows. */
const TEXTS = [
  'The office opens at nine. Badges are collected from the front desk, and visitors sign the blue ledger before they go upstairs.',
  'Expense reports are filed within thirty days. Receipts above fifty euros must be scanned, and the finance team reviews them every Friday.',
  'Laptops are encrypted and locked when unattended. Passwords are never shared, and lost devices are reported to security at once.',
];
const EXAMPLES = TEXTS.map((text, i) => rawTextExample(`doc-${i}`, text));
/** Small windows so every text is split: later windows start mid-text, without BOS. */
const MAX_SEQ_LEN = 24;
/** llama.cpp's f16 KV cache against the trainer's f32: the round-trip test's tolerance. */
const NLL_TOLERANCE = 0.02;

describe('raw-text LoRA training agrees with llama.cpp (stories260K)', () => {
  const runtime = createLlamaCppRuntime({ gpu: false });
  const dir = mkdtempSync(join(tmpdir(), 'tailor-lora-raw-'));
  let model: LlamaModel;
  before(async () => {
    model = await (await runtime.getLlama()).llama.loadModel({ modelPath: MODEL });
  });
  after(async () => {
    await model.dispose();
    await runtime.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the scorer is the full-vocabulary softmax NLL on the base model', async () => {
    const sequences = encodeExamples(EXAMPLES, llamaTokenizer(model), MAX_SEQ_LEN).sequences;
    const scorer = await createLlamaCppScorer(model, { contextSize: 64 });
    const context = await model.createContext({ contextSize: 64, threads: 1 });
    try {
      const scored = await scorer.score(sequences);
      const sequence = context.getSequence();
      let nll = 0;
      let count = 0;
      for (const seq of sequences) {
        await sequence.clearHistory();
        const input = seq.tokens.slice(0, -1).map((t, i) => (seq.trained[i + 1] ? [t as Token, { generateNext: { logits: true } }] : (t as Token)));
        const out = await sequence.controlledEvaluate(input as Parameters<typeof sequence.controlledEvaluate>[0]);
        out.forEach((o, i) => {
          const logits = o?.next?.logits;
          if (!logits) return;
          const max = Math.max(...logits.values());
          const sum = [...logits.values()].reduce((s, v) => s + Math.exp(v - max), 0);
          nll += max + Math.log(sum) - logits.get(seq.tokens[i + 1] as Token)!;
          count++;
        });
      }
      assert.equal(scored.tokens, count);
      assert.ok(Math.abs(scored.meanNll - nll / count) < 1e-4, `scorer ${scored.meanNll} vs softmax ${nll / count}`);
    } finally {
      await scorer.dispose();
      await context.dispose();
    }
  });

  test('step-0 loss = llama.cpp base NLL; after training llama.cpp perplexity falls and its NLL = the final loss', async () => {
    const sequences = encodeExamples(EXAMPLES, llamaTokenizer(model), MAX_SEQ_LEN).sequences;
    assert.ok(sequences.length > TEXTS.length, 'the texts must be split into several windows');
    const stepLosses: number[] = [];
    const { result } = await createLocalLoraTrainer({ runtime }).doTrain({
      baseModel: MODEL,
      train: EXAMPLES,
      outputDir: dir,
      rank: 4,
      alpha: 8,
      epochs: 12,
      // One batch holds every window, so the first step's loss is the base model's loss on the whole training set.
      batchSize: sequences.length,
      maxSeqLen: MAX_SEQ_LEN,
      learningRate: 1e-2,
      seed: 3,
      onProgress: (e) => stepLosses.push(e.loss),
    });
    const comparison = await compareAdapterPerplexity({ baseModel: MODEL, adapterPath: result.adapterPath, examples: EXAMPLES, maxSeqLen: MAX_SEQ_LEN, runtime });
    const baseNll = Math.log(comparison.perplexityBefore);
    const finalLoss = result.extra!.finalTrainLoss as number;

    assert.equal(comparison.tokens, sequences.reduce((n, s) => n + s.tokens.length - 1, 0), 'every raw-text token after BOS is scored');
    assert.ok(Math.abs(stepLosses[0]! - baseNll) < NLL_TOLERANCE, `trainer step-0 loss ${stepLosses[0]} vs llama.cpp base NLL ${baseNll}`);
    assert.ok(comparison.perplexityAfter < comparison.perplexityBefore * 0.8, `llama.cpp perplexity ${comparison.perplexityBefore} → ${comparison.perplexityAfter}`);
    assert.ok(Math.abs(comparison.meanNllAfter - finalLoss) < NLL_TOLERANCE, `llama.cpp NLL ${comparison.meanNllAfter} vs trainer final loss ${finalLoss}`);
  });
});
