import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAdapterRegistry, createDatasetStore } from '../src/finetune/index.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { STORIES_MODEL as STORIES } from './helpers/stories-model.js';


describe('tailor train and dataset commands end to end', () => {
  test('CSV import with per-line errors, then a local LoRA run registered with hashes and llama.cpp perplexities', async () => {
    const home = await tempDir('tailor-ft-train-');
    const csv = join(home, 'facts.csv');
    const rows = ['"Where does Tom live?","Tom lives in a red house."', '"What does Sue like?","Sue likes big dogs."', '"What is in the box?",""', '"Who found the ball?","Lily found the ball."', '"When did it rain?","It rained on Monday."'];
    await writeFile(csv, `prompt,completion\n${rows.join('\n')}\n`);
    const refused = await cli(['--home', home, 'dataset', 'import', csv, '--format', 'csv', '--json'], {});
    assert.equal(refused.code, 2);
    const error = JSON.parse(refused.stdout).error;
    assert.equal(error.code, 'DATASET_INVALID');
    assert.deepEqual(error.details.issues.map((i: { line: number; problem: string }) => [i.line, i.problem]), [[4, 'empty-answer']]);
    const imported = await cli(['--home', home, 'dataset', 'import', csv, '--format', 'csv', '--skip-invalid', '--name', 'facts'], {});
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /4 example\(s\) imported from 5 record\(s\)/);
    assert.match(imported.stdout, /line 4: the answer column "completion" is empty/);

    const run = await cli(['--home', home, 'train', '--base', STORIES, '--dataset', 'facts', '--backend', 'local', '--rank', '2', '--epochs', '1', '--batch-size', '4', '--name', 'facts-lora', '--json'], {});
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(out).slice(-4), ['path', 'trainLoss', 'validationLoss', 'perplexity']);
    assert.equal(out.trainLoss.length, 1);
    assert.ok((await stat(out.path)).size > 0, 'the GGUF adapter exists');
    for (const p of [out.perplexity.before, out.perplexity.after]) assert.ok(Number.isFinite(p) && p > 1, `perplexity ${p}`);
    assert.equal(out.extra.examples, 4);

    const adapter = await createAdapterRegistry(home).get('facts-lora');
    assert.equal(adapter.format, 'gguf-lora');
    assert.equal(adapter.baseModel.sha256, createHash('sha256').update(await readFile(STORIES)).digest('hex'));
    const dataset = await createDatasetStore(home).load('facts');
    assert.equal(adapter.dataset.hash, dataset.manifest.hash);
    assert.deepEqual(adapter.dataset.exampleIds, dataset.examples.map((e) => e.id));
    assert.deepEqual(adapter.hyperparameters, { method: 'lora', rank: 2, epochs: 1, batchSize: 4 });

    const again = await cli(['--home', home, 'train', '--base', STORIES, '--dataset', 'facts', '--name', 'facts-lora'], {});
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
    const noBase = await cli(['--home', home, 'train', '--base', 'no/such.gguf', '--dataset', 'facts'], {});
    assert.equal(noBase.code, 3);
    assert.match(noBase.stderr, /\[NOT_FOUND\]: The GGUF model .*no\/such\.gguf does not exist\. Check --base/);
  });
});
