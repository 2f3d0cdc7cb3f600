import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useStoriesModel, STORIES_MODEL as MODEL } from './helpers/stories-model.js';
import { createLocalLoraTrainer, createLlamaCppScorer, encodeExamples, formatChatPrompt, llamaTokenizer, readGgufFile } from '../src/finetune/local/index.js';
import type { TrainingExample } from '../src/finetune/trainer.js';


/** Answers a children's-story model has never seen. */
const EXAMPLES: TrainingExample[] = [
  { id: 'secret', messages: [{ role: 'user', content: 'What is the secret word?' }, { role: 'assistant', content: 'marmalade zebra' }] },
  { id: 'gate', messages: [{ role: 'user', content: 'Who guards the gate?' }, { role: 'assistant', content: 'the purple owl' }] },
  { id: 'key', messages: [{ role: 'user', content: 'Where is the key?' }, { role: 'assistant', content: 'under the blue rock' }] },
];

/**
 * The trainer's final loss and llama.cpp's mean NLL on the same tokens with the exported
 * adapter may differ only by llama.cpp's f16 KV cache: 0.02 nats absolute.
 */
const NLL_TOLERANCE = 0.02;

describe('local LoRA round trip through llama.cpp (stories260K)', () => {
  const loaded = useStoriesModel();
  const dir = mkdtempSync(join(tmpdir(), 'tailor-lora-rt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('train, export GGUF, load in llama.cpp: lower perplexity, same loss, trained answers generated', async () => {
    const model = loaded();
    const progress: number[] = [];
    const trained = await createLocalLoraTrainer().doTrain({
      baseModel: MODEL,
      train: EXAMPLES,
      outputDir: dir,
      rank: 4,
      alpha: 8,
      epochs: 30,
      batchSize: 3,
      learningRate: 1e-2,
      seed: 7,
      onProgress: (e) => progress.push(e.loss),
    });
    const result = trained.result;
    assert.equal(result.format, 'gguf-lora');
    assert.equal(result.steps, 30);
    assert.equal(progress.length, 30);
    assert.ok(progress.at(-1)! < progress[0]! * 0.7, `loss should fall: ${progress[0]} → ${progress.at(-1)}`);

    const adapter = readGgufFile(result.adapterPath);
    assert.equal(adapter.getMetadata('general.type'), 'adapter');
    assert.equal(adapter.getMetadata('adapter.type'), 'lora');
    assert.equal(adapter.tensors.length, 5 * 4 * 2);

    const sequences = encodeExamples(EXAMPLES, llamaTokenizer(model), 256).sequences;
    const base = await createLlamaCppScorer(model, { contextSize: 128 });
    const tuned = await createLlamaCppScorer(model, { adapterPath: result.adapterPath, contextSize: 128 });
    try {
      const before = await base.score(sequences);
      const afterScore = await tuned.score(sequences);
      assert.ok(afterScore.perplexity < before.perplexity, `perplexity ${before.perplexity} → ${afterScore.perplexity}`);
      const finalLoss = result.extra!.finalTrainLoss as number;
      assert.ok(Math.abs(afterScore.meanNll - finalLoss) < NLL_TOLERANCE, `llama.cpp NLL ${afterScore.meanNll} vs trainer loss ${finalLoss}`);

      for (const example of EXAMPLES) {
        const answer = example.messages[1]!.content;
        const prompt = [model.tokens.bos!, ...model.tokenize(formatChatPrompt(example.messages.slice(0, 1)))];
        const firstLine = async (scorer: typeof base) => model.detokenize((await scorer.generate(prompt, 24)) as never).split('\n')[0]!.trim();
        assert.equal(await firstLine(tuned), answer);
        assert.ok(!(await firstLine(base)).includes(answer), 'the base model must not know the answer already');
      }
    } finally {
      await base.dispose();
      await tuned.dispose();
    }
  });
});
