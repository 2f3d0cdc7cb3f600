/**
 * One contract for where a home keeps its datasets and adapters: files in the home, or the tables
 * of a PostgreSQL store. `open` may be called several times on one backing: for files, processes
 * sharing one home (the CLI and a server); for PostgreSQL, replicas with homes of their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TailorError } from '../src/core/errors.js';
import { eraseLineage } from '../src/finetune/lineage.js';
import type { AdapterManifest } from '../src/finetune/registry.js';
import type { FinetuneStores } from '../src/finetune/stores.js';
import type { DatasetExample } from '../src/finetune/types.js';

export interface FinetuneBacking {
  /** Stores as one more process (or replica) sees them. */
  open(): Promise<FinetuneStores>;
  close(): Promise<void>;
}

export function example(id: string, documentId: string, split?: 'train' | 'validation' | 'test'): DatasetExample {
  return {
    id,
    messages: [{ role: 'user', content: `question ${id}` }, { role: 'assistant', content: `answer ${id}` }],
    provenance: { kind: 'qa', documentIds: [documentId], chunkIds: [`${documentId}#0`], collection: 'hr' },
    ...(split ? { split } : {}),
  } as DatasetExample;
}

export async function adapterWithFile(stores: FinetuneStores, name: string, documentIds: string[], bytes: Buffer): Promise<AdapterManifest> {
  const dir = stores.adapters.adapterDir(name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'adapter.gguf'), bytes);
  await writeFile(join(dir, 'training-curve.svg'), '<svg/>');
  return {
    name, manifestVersion: 1, createdAt: new Date().toISOString(), backend: 'local', format: 'gguf-lora', path: join(dir, 'adapter.gguf'),
    baseModel: { ref: '/models/base.gguf', sha256: 'ab'.repeat(32) },
    dataset: { name: 'qa', hash: 'cd'.repeat(32), exampleIds: documentIds.map((d) => `${d}-ex`), documentIds },
    hyperparameters: { method: 'lora', rank: 4 },
    metrics: { trainLoss: [2, 1.5], validationLoss: [], steps: 4, tokens: 100, seconds: 1 },
    collections: ['hr'],
    extra: { chartPath: join(dir, 'training-curve.svg') },
  };
}

export function finetuneStoresContract(options: { skip?: string; backing: () => Promise<FinetuneBacking> }): void {
  const { skip } = options;
  const withBacking = (fn: (b: FinetuneBacking) => Promise<void>) => async () => {
    const backing = await options.backing();
    try {
      await fn(backing);
    } finally {
      await backing.close();
    }
  };

  test('a dataset saved by one process is listed and loaded by another, whole; history grows; delete removes it', { skip }, withBacking(async (b) => {
    const one = await b.open();
    const two = await b.open();
    assert.deepEqual(await two.datasets.list(), []);
    const first = await one.datasets.save('qa', [example('a', 'd1'), example('b', 'd2')], { operation: 'import', details: { file: 'x.jsonl' } });
    assert.equal(first.count, 2);
    assert.equal(first.documents, 2);
    assert.equal(await two.datasets.exists('qa'), true);
    const loaded = await two.datasets.load('qa');
    assert.deepEqual(loaded.manifest, first);
    assert.deepEqual(loaded.examples.map((e) => e.id), ['a', 'b']);
    const second = await two.datasets.save('qa', [example('a', 'd1', 'train')], { operation: 'split', details: {} });
    assert.equal(second.createdAt, first.createdAt);
    assert.deepEqual(second.history.map((h) => h.operation), ['import', 'split']);
    assert.deepEqual(second.splits, { train: 1, validation: 0, test: 0, unassigned: 0 });
    assert.deepEqual((await one.datasets.list()).map((m) => [m.name, m.hash]), [['qa', second.hash]]);
    await assert.rejects(one.datasets.load('nope'), (e: TailorError) => e.code === 'NOT_FOUND' && /tailor dataset list/.test(e.message));
    assert.equal(await one.datasets.delete('qa'), true);
    assert.equal(await two.datasets.delete('qa'), false);
    assert.equal(await two.datasets.exists('qa'), false);
  }));

  test('a save naming the hash it read is refused once another process saved meanwhile, and writes nothing', { skip }, withBacking(async (b) => {
    const one = await b.open();
    const two = await b.open();
    const read = await one.datasets.save('qa', [example('a', 'd1'), example('b', 'd2')], { operation: 'import', details: {} });
    const other = await two.datasets.save('qa', [example('a', 'd1')], { operation: 'erase', details: {} }, { ifHash: read.hash });
    await assert.rejects(
      one.datasets.save('qa', [example('a', 'd1', 'train'), example('b', 'd2', 'test')], { operation: 'split', details: {} }, { ifHash: read.hash }),
      (e: TailorError) => e.code === 'CONFLICT' && /Run the command again/.test(e.message),
    );
    const now = await one.datasets.load('qa');
    assert.equal(now.manifest.hash, other.hash);
    assert.deepEqual(now.examples.map((e) => e.id), ['a']);
  }));

  test('restore keeps a manifest and its history exactly, and refuses examples that do not match its hash', { skip }, withBacking(async (b) => {
    const one = await b.open();
    const saved = await one.datasets.save('qa', [example('a', 'd1')], { operation: 'import', details: {} });
    const two = await b.open();
    const copy = { manifest: { ...saved, name: 'copy' }, examples: [example('a', 'd1')] };
    await two.datasets.restore(copy);
    assert.deepEqual((await one.datasets.load('copy')).manifest, copy.manifest);
    await assert.rejects(two.datasets.restore({ manifest: { ...saved, name: 'bad' }, examples: [example('z', 'd9')] }), (e: TailorError) => e.code === 'STORE_CORRUPT');
    assert.equal(await one.datasets.exists('bad'), false);
  }));

  test('an adapter recorded by one process is served by another with the same file bytes, under that one\'s own folder', { skip }, withBacking(async (b) => {
    const one = await b.open();
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
    const manifest = await adapterWithFile(one, 'hr-lora', ['d1'], bytes);
    await one.adapters.put(manifest);
    const two = await b.open();
    const listed = await two.adapters.list();
    assert.deepEqual(listed.map((a) => a.name), ['hr-lora']);
    const got = await two.adapters.get('hr-lora');
    assert.equal(got.path, join(two.adapters.adapterDir('hr-lora'), 'adapter.gguf'));
    assert.deepEqual(await readFile(got.path), bytes);
    assert.equal(await readFile(got.extra!.chartPath as string, 'utf8'), '<svg/>');
    assert.deepEqual(got.dataset, manifest.dataset);
    assert.equal(await two.adapters.find('missing'), undefined);
    await assert.rejects(two.adapters.get('missing'), (e: TailorError) => e.code === 'NOT_FOUND');
    assert.equal(await two.adapters.delete('hr-lora'), true);
    assert.deepEqual(await one.adapters.list(), []);
    assert.equal(existsSync(two.adapters.adapterDir('hr-lora')), false);
  }));

  test('an erasure through any process removes the examples and flags the adapter for every process; a stale split cannot bring them back', { skip }, withBacking(async (b) => {
    const one = await b.open();
    await one.datasets.save('qa', [example('keep', 'd1'), example('gone', 'd2')], { operation: 'import', details: {} });
    await one.adapters.put(await adapterWithFile(one, 'hr-lora', ['d1', 'd2'], Buffer.from('lora')));
    const stale = await one.datasets.load('qa'); // a split that read before the erasure
    const two = await b.open();
    const { report } = await eraseLineage(two, { documentIds: ['d2'] });
    assert.deepEqual(report.datasets.map((d) => [d.name, d.removedExampleIds, d.remaining]), [['qa', ['gone'], 1]]);
    assert.deepEqual(report.adapters.map((a) => a.name), ['hr-lora']);
    const flagged = await one.adapters.get('hr-lora');
    assert.equal(flagged.containsErasedData, true);
    assert.deepEqual(flagged.erasures?.map((e) => e.documentIds), [['d2']]);
    await assert.rejects(one.datasets.save('qa', stale.examples, { operation: 'split', details: {} }, { ifHash: stale.manifest.hash }), (e: TailorError) => e.code === 'CONFLICT');
    assert.deepEqual((await one.datasets.load('qa')).examples.map((e) => e.id), ['keep']);
    // The flagging process may not hold the adapter's file; the file a third process fetches is intact.
    const three = await b.open();
    assert.deepEqual(await readFile((await three.adapters.get('hr-lora')).path, 'utf8'), 'lora');
  }));
}
