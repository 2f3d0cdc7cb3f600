/**
 * Local LoRA training throughput on stories260K (2 cores).
 *
 *   node --import tsx bench/lora-train.ts [--backend wasm|cpu] [--examples 256] [--epochs 2]
 *        [--batch 16] [--seq 128] [--rank 8] [--targets q,k,v,o] [--mode chat|raw]
 *
 * chat: Alpaca examples (instruction + input → output), loss on answers only.
 * raw:  the same texts as continued pretraining (every token trained).
 * tokens/s counts every real (unpadded) token that goes through forward + backward; epoch
 * seconds include the per-epoch validation-free checkpoint write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalLoraTrainer } from '../src/finetune/local/index.js';
import { rawTextExample } from '../src/finetune/local/examples.js';
import type { TrainOptions, TrainingExample } from '../src/finetune/trainer.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    examples: { type: 'string', default: '256' },
    epochs: { type: 'string', default: '2' },
    batch: { type: 'string', default: '16' },
    seq: { type: 'string', default: '128' },
    rank: { type: 'string', default: '8' },
    targets: { type: 'string', default: 'q,k,v,o' },
    mode: { type: 'string', default: 'chat' },
  },
});

const model = new URL('../../shared/models/stories260K.gguf', import.meta.url).pathname;
const alpaca = JSON.parse(readFileSync(new URL('../../shared/data/alpaca/alpaca_5000.json', import.meta.url), 'utf8')) as Array<{
  instruction: string;
  input: string;
  output: string;
}>;
const rows = alpaca.slice(0, Number(values.examples));
const train: TrainingExample[] = rows.map((row, i) =>
  values.mode === 'raw'
    ? rawTextExample(`a${i}`, `${row.instruction}\n${row.input}\n${row.output}`)
    : {
        id: `a${i}`,
        messages: [
          { role: 'user', content: row.input ? `${row.instruction}\n${row.input}` : row.instruction },
          { role: 'assistant', content: row.output },
        ],
      },
);

const outputDir = mkdtempSync(join(tmpdir(), 'tailor-lora-bench-'));
const result = await createLocalLoraTrainer({ backend: values.backend as 'wasm' | 'cpu' }).doTrain({
  baseModel: model,
  train,
  outputDir,
  epochs: Number(values.epochs),
  batchSize: Number(values.batch),
  maxSeqLen: Number(values.seq),
  rank: Number(values.rank),
  alpha: 2 * Number(values.rank),
  targetModules: values.targets!.split(',') as TrainOptions['targetModules'],
  learningRate: 1e-3,
  seed: 1,
});
rmSync(outputDir, { recursive: true, force: true });
const epochs = result.result.extra!.epochStats as Array<{ epoch: number; seconds: number; peakRssMb: number }>;
const tokensPerEpoch = result.result.tokens / epochs.length;
const r = result.result;
console.log(`\n## Local LoRA training, stories260K, ${values.backend}, ${values.mode}, rank ${values.rank} on ${values.targets}, batch ${values.batch}, maxSeqLen ${values.seq}\n`);
console.log(`Machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.\n`);
console.log('| epoch | seconds | tokens | tokens/s | peak RSS (MB) |');
console.log('| --- | --- | --- | --- | --- |');
for (const e of epochs) {
  console.log(`| ${e.epoch} | ${e.seconds.toFixed(1)} | ${Math.round(tokensPerEpoch)} | ${Math.round(tokensPerEpoch / e.seconds)} | ${e.peakRssMb.toFixed(0)} |`);
}
console.log(`\nTotal: ${r.tokens} tokens in ${r.seconds.toFixed(1)} s of training = **${Math.round(r.tokens / r.seconds)} tokens/s**; ` +
  `${r.steps} steps; train loss ${r.trainLoss.map((l) => l.toFixed(3)).join(' → ')}.`);
