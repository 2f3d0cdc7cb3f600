import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { ingestTexts } from '../src/ingest/texts.js';
import { forget } from '../src/ingest/forget.js';
import {
  buildFromCollection,
  createAdapterRegistry,
  createDatasetStore,
  eraseDocumentLineage,
  importDataset,
  resolveAdapterForUse,
  retrainCommand,
  saveBuiltDataset,
  trainAdapter,
  type AdapterManifest,
} from '../src/finetune/index.js';
import { TailorError } from '../src/core/errors.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { abstractRecords, alpacaRows } from './helpers/corpus.js';


/** Splits a command the way a POSIX shell would for the quoting retrainCommand uses. */
function argv(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]));
}

describe('erasure follows documents into datasets and adapters', () => {
  test('forget → examples removed, adapters marked and refused, one command retrains on the cleaned data', async () => {
    const home = await tempDir('tailor-ft-lineage-');
    const store = await createSqliteStore({ home });
    const records = abstractRecords(100, 16);
    await ingestTexts({ store, items: records.map((r) => ({ source: `scifact:${r._id}`, title: r.title, text: r.text })), collection: 'sci' });
    const qa = await buildFromCollection({ store, collection: 'sci', kind: 'qa' });
    await saveBuiltDataset({ home, name: 'sci-qa', examples: qa.examples, details: {} });
    const raft = await buildFromCollection({ store, collection: 'sci', kind: 'raft', distractors: 2, ratios: [1, 0, 0] });
    await saveBuiltDataset({ home, name: 'sci-raft', examples: raft.examples, details: {} });
    const alpacaFile = join(home, 'alpaca-50.json');
    await writeFile(alpacaFile, JSON.stringify(alpacaRows(50)));
    await importDataset({ home, file: alpacaFile, format: 'alpaca', name: 'alp' });

    const exported = await trainAdapter({ home, base: 'org/base-model', dataset: 'sci-qa', backend: 'axolotl', name: 'sci-cluster', hyperparameters: { rank: 4, epochs: 2, learningRate: 0.0002 } });
    assert.equal(exported.adapter.format, 'export');
    const registry = createAdapterRegistry(home);
    const raftStored = await createDatasetStore(home).load('sci-raft');
    const handMade = (name: string, dataset: string, examples: typeof raftStored.examples, hash: string): AdapterManifest => ({
      name,
      manifestVersion: 1,
      createdAt: new Date().toISOString(),
      backend: 'local',
      format: 'gguf-lora',
      path: join(registry.adapterDir(name), 'adapter.gguf'),
      baseModel: { ref: '/models/base.gguf', sha256: 'f'.repeat(64) },
      dataset: { name: dataset, hash, exampleIds: examples.map((e) => e.id), documentIds: [...new Set(examples.flatMap((e) => e.provenance.documentIds))] },
      hyperparameters: { method: 'lora', rank: 8, epochs: 1 },
      metrics: { trainLoss: [2.1], validationLoss: [], steps: 3, tokens: 900, seconds: 1.5 },
    });
    await registry.put(handMade('raft-local', 'sci-raft', raftStored.examples, raftStored.manifest.hash));
    const alp = await createDatasetStore(home).load('alp');
    await registry.put(handMade('alpaca-local', 'alp', alp.examples, alp.manifest.hash));

    // The document to erase: one that both datasets draw on.
    const qaStored = await createDatasetStore(home).load('sci-qa');
    const asDistractor = (id: string) => raftStored.examples.filter((e) => e.provenance.documentIds.includes(id) && e.provenance.documentIds[0] !== id).length;
    const target = [...new Set(qaStored.examples.map((e) => e.provenance.documentIds[0]))].sort((a, b) => asDistractor(b) - asDistractor(a))[0];
    const targetDoc = (await store.doListDocuments({ ids: [target], withText: true }))[0];
    const sentences = targetDoc.text!.split(/(?<=[.!?])\s+/).filter((s) => s.split(' ').length >= 8);
    const expectedQa = qaStored.examples.filter((e) => e.provenance.documentIds.includes(target)).map((e) => e.id);
    const expectedRaft = raftStored.examples.filter((e) => e.provenance.documentIds.includes(target)).map((e) => e.id);
    assert.ok(asDistractor(target) > 0, 'RAFT examples also carry the document as a distractor');

    await forget({ store, target });
    await store.close();
    const report = await eraseDocumentLineage(home, [target]);
    assert.deepEqual(report.datasets.map((d) => [d.name, [...d.removedExampleIds].sort()]).sort(), [['sci-qa', [...expectedQa].sort()], ['sci-raft', [...expectedRaft].sort()]]);
    assert.deepEqual(report.adapters.map((a) => a.name).sort(), ['raft-local', 'sci-cluster']);

    for (const name of ['sci-qa', 'sci-raft']) {
      const dir = join(home, 'datasets', name);
      const files = (await readdir(dir)).filter((f) => f.startsWith('examples.'));
      assert.equal(files.length, 1, 'the old examples file is gone');
      const text = (await readFile(join(dir, files[0]), 'utf8')).replace(/\\n/g, ' ').replace(/\s+/g, ' ');
      for (const s of sentences) assert.ok(!text.includes(s.replace(/\s+/g, ' ')), `erased text still in ${name}: ${s}`);
      assert.ok(!text.includes(target));
    }
    const cleaned = await createDatasetStore(home).load('sci-qa');
    assert.equal(cleaned.examples.length, qaStored.examples.length - expectedQa.length);
    assert.deepEqual(cleaned.manifest.history.map((h) => h.operation), ['build', 'erase']);

    const marked = await registry.get('sci-cluster');
    assert.equal(marked.containsErasedData, true);
    assert.deepEqual(marked.erasures!.map((e) => e.documentIds), [[target]]);
    assert.deepEqual([...marked.erasures![0].exampleIds].sort(), [...expectedQa].sort());
    assert.equal((await registry.get('alpaca-local')).containsErasedData, undefined);
    await assert.rejects(resolveAdapterForUse(home, 'sci-cluster'), (e: TailorError) => e.code === 'FORBIDDEN' && /--allow-erased/.test(e.message));
    assert.equal((await resolveAdapterForUse(home, 'sci-cluster', { allowErased: true })).name, 'sci-cluster');
    assert.equal((await resolveAdapterForUse(home, 'alpaca-local')).name, 'alpaca-local');

    // Erasing again changes nothing and records nothing twice.
    const again = await eraseDocumentLineage(home, [target]);
    assert.deepEqual(again.datasets, []);
    assert.equal((await registry.get('sci-cluster')).erasures!.length, 1);

    const command = retrainCommand(marked);
    assert.equal(command, 'tailor train --base org/base-model --dataset sci-qa --backend axolotl --method lora --rank 4 --epochs 2 --lr 0.0002 --name sci-cluster-retrained');
    const run = await cli(['--home', home, ...argv(command).slice(1), '--json'], {});
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const retrained = await registry.get('sci-cluster-retrained');
    assert.equal(retrained.containsErasedData, undefined);
    assert.ok(!retrained.dataset.documentIds.includes(target));
    assert.equal(retrained.dataset.hash, cleaned.manifest.hash);
    assert.equal(retrained.dataset.exampleIds.length, cleaned.examples.length);
    const trainFile = await readFile(join(registry.adapterDir('sci-cluster-retrained'), 'data', 'train.jsonl'), 'utf8');
    for (const s of sentences) assert.ok(!trainFile.includes(JSON.stringify(s).slice(1, -1)), 'the retrained export holds no erased text');

    const list = await cli(['--home', home, 'adapters', 'list', '--json'], {});
    const listed = JSON.parse(list.stdout) as Array<{ name: string; containsErasedData?: boolean; dataset: { examples: number } }>;
    assert.deepEqual(listed.filter((a) => a.containsErasedData).map((a) => a.name).sort(), ['raft-local', 'sci-cluster']);
    const show = await cli(['--home', home, 'adapters', 'show', 'raft-local'], {});
    assert.match(show.stdout, /CONTAINS ERASED DATA/);
    assert.match(show.stdout, /retrain on the cleaned dataset: tailor train --base \/models\/base\.gguf --dataset sci-raft --backend local .*--name raft-local-retrained/);
    const deleted = await cli(['--home', home, 'adapters', 'delete', 'raft-local', '--json'], {});
    assert.equal(deleted.code, 0);
    assert.equal(await registry.find('raft-local'), undefined);
    const missing = await cli(['--home', home, 'adapters', 'show', 'raft-local'], {});
    assert.equal(missing.code, 3);
  });
});
