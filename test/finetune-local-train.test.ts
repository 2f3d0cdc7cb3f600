import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStoriesModel, STORIES_MODEL as MODEL } from './helpers/stories-model.js';
import { createLocalLoraTrainer, encodeExamples, llamaTokenizer, rawTextExample } from '../src/finetune/local/index.js';
import type { TrainOptions, TrainingExample } from '../src/finetune/trainer.js';
import { isTailorError } from '../src/core/errors.js';
import { createLlamaCppRuntime } from '../src/providers/llama-cpp/runtime.js';


const TRAIN: TrainingExample[] = [
  { id: 'a', messages: [{ role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'teal' }] },
  { id: 'b', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Name an animal.' }, { role: 'assistant', content: 'otter' }] },
  { id: 'c', messages: [{ role: 'user', content: 'Name a fruit.' }, { role: 'assistant', content: 'quince' }] },
];
const VALIDATION: TrainingExample[] = [{ id: 'v', messages: [{ role: 'user', content: 'Name a tree.' }, { role: 'assistant', content: 'rowan' }] }];

// One llama.cpp runtime (for the tokenizer) for every run: starting one costs seconds.
const runtime = createLlamaCppRuntime({ gpu: false });
const trainer = createLocalLoraTrainer({ runtime });
const tmp = mkdtempSync(join(tmpdir(), 'tailor-lora-train-'));
let runs = 0;

function options(extra: Partial<TrainOptions> = {}): TrainOptions {
  return { baseModel: MODEL, train: TRAIN, rank: 2, alpha: 4, epochs: 2, batchSize: 1, learningRate: 5e-3, seed: 11, outputDir: join(tmp, `run-${runs++}`), ...extra };
}

after(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await runtime.dispose();
});

describe('encoding examples for training', () => {
  const loaded = useStoriesModel();

  test('chat: BOS first, loss only on the answer, its newline and EOS', () => {
    const model = loaded();
    const tokenizer = llamaTokenizer(model);
    const [seq] = encodeExamples([TRAIN[1]!], tokenizer, 256).sequences;
    assert.equal(seq!.tokens[0], tokenizer.bos);
    assert.equal(seq!.tokens.at(-1), tokenizer.eos);
    const trainedText = model.detokenize(seq!.tokens.filter((_, i) => seq!.trained[i] && i < seq!.tokens.length - 1) as never);
    assert.equal(trainedText.trim(), 'otter');
    assert.ok(trainedText.endsWith('\n'));
    const prompt = model.detokenize(seq!.tokens.slice(1).filter((_, i) => !seq!.trained[i + 1]) as never);
    assert.equal(prompt, 'System: Be brief.\nUser: Name an animal.\nAssistant:');
  });

  test('raw text (one assistant message): every token trained, split into maxSeqLen windows', () => {
    const model = loaded();
    const tokenizer = llamaTokenizer(model);
    const text = 'Once upon a time there was a big red ball. The ball liked to roll down the hill every day.';
    const { sequences } = encodeExamples([rawTextExample('doc', text)], tokenizer, 16);
    const total = tokenizer.tokenize(text).length + 2;
    assert.ok(sequences.length > 1);
    assert.ok(sequences.every((s) => s.tokens.length <= 17 && s.trained.slice(1).every(Boolean) && !s.trained[0]));
    assert.equal(sequences.reduce((n, s) => n + s.tokens.length - 1, 0), total - 1, 'every token after BOS is predicted exactly once');
  });

  test('over-long chat examples are truncated with a warning', () => {
    const model = loaded();
    const long: TrainingExample = { id: 'long', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'word '.repeat(50) }] };
    const { sequences, warnings } = encodeExamples([long], llamaTokenizer(model), 20);
    assert.equal(sequences[0]!.tokens.length, 21);
    assert.match(warnings[0]!, /long has \d+ tokens; truncated/);
  });
});

describe('local LoRA training on stories260K', () => {
  test('the same seed gives the same losses and adapter; another seed does not', async () => {
    const a = await trainer.doTrain(options());
    const b = await trainer.doTrain(options());
    const c = await trainer.doTrain(options({ seed: 12 }));
    assert.deepEqual(a.result.extra!.stepLosses, b.result.extra!.stepLosses);
    assert.deepEqual(readFileSync(a.result.adapterPath), readFileSync(b.result.adapterPath));
    assert.notDeepEqual(a.result.extra!.stepLosses, c.result.extra!.stepLosses);
    assert.equal(a.result.steps, 6);
    assert.equal(a.result.trainLoss.length, 2);
    assert.ok(a.result.tokens > 0 && a.result.seconds > 0);
  });

  test('cancelled mid-epoch, resumed from the checkpoint: the same run as uninterrupted', async () => {
    const straight = await trainer.doTrain(options({ epochs: 3 }));
    const controller = new AbortController();
    const first = options({ epochs: 3, abortSignal: controller.signal, onProgress: (e) => e.step === 4 && controller.abort() });
    const aborted = await trainer.doTrain(first).then(
      () => assert.fail('training should have been cancelled'),
      (error: unknown) => error,
    );
    assert.ok(isTailorError(aborted) && aborted.code === 'ABORTED');
    const checkpoint = aborted.details.checkpoint as string;
    assert.match(checkpoint, /interrupted-step-4$/);
    const resumed = await trainer.doTrain(options({ epochs: 3, resumeFrom: checkpoint, outputDir: first.outputDir }));
    assert.deepEqual(resumed.result.extra!.stepLosses, straight.result.extra!.stepLosses);
    assert.deepEqual(resumed.result.trainLoss, straight.result.trainLoss);
    assert.deepEqual(readFileSync(resumed.result.adapterPath), readFileSync(straight.result.adapterPath));
  });

  test('resuming with a different rank is refused', async () => {
    const run = await trainer.doTrain(options({ epochs: 1 }));
    const checkpoint = (run.result.extra!.checkpoints as string[]).at(-1)!;
    await assert.rejects(trainer.doTrain(options({ rank: 4, resumeFrom: checkpoint })), (e: unknown) => isTailorError(e) && e.code === 'INVALID_ARGUMENT');
  });

  test('validation loss each epoch, early stopping, progress with tokens/s and ETA', async () => {
    const events: Array<{ step: number; totalSteps: number; tokensPerSecond: number; etaSeconds: number }> = [];
    const run = await trainer.doTrain(
      options({ validation: VALIDATION, epochs: 6, learningRate: 0.05, earlyStoppingPatience: 1, onProgress: (e) => events.push(e) }),
    );
    const r = run.result;
    assert.equal(r.validationLoss.length, r.trainLoss.length);
    assert.equal(events[0]!.totalSteps, 18);
    assert.ok(events.every((e) => e.tokensPerSecond > 0 && e.etaSeconds >= 0));
    if (r.extra!.stoppedEarly) {
      assert.ok(r.trainLoss.length < 6);
      const best = r.extra!.bestEpoch as number;
      assert.equal(Math.min(...r.validationLoss), r.validationLoss[best - 1]);
    } else {
      // Validation kept improving: every epoch was better than the one before.
      assert.ok(r.validationLoss.every((v, i) => i === 0 || v < r.validationLoss[i - 1]!));
    }
  });

  test('continued pretraining on raw text lowers the loss on that text', async () => {
    const text = 'The lighthouse keeper Orla counted forty-two gulls every morning and wrote the number in a green book.';
    const run = await trainer.doTrain(options({ train: [rawTextExample('doc', text)], epochs: 8, learningRate: 1e-2 }));
    const losses = run.result.trainLoss;
    assert.ok(losses.at(-1)! < losses[0]! - 0.2, `raw-text loss ${losses[0]} → ${losses.at(-1)}`);
  });

  test('full fine-tuning and empty datasets are refused with clear errors', async () => {
    await assert.rejects(trainer.doTrain(options({ method: 'full' })), /LoRA adapters only/);
    await assert.rejects(trainer.doTrain(options({ train: [] })), (e: unknown) => isTailorError(e) && e.code === 'INVALID_ARGUMENT');
  });
});
