import { describe, test } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openHome, type Home } from '../src/home/index.js';
import { openWorkspace } from '../src/workspace.js';
import { buildFromCollection, saveBuiltDataset, trainAdapter, createDatasetStore } from '../src/finetune/index.js';
import { tempDir } from './helpers/temp.js';
import { assertErasedFromHome, filesContaining, KEPT, SECRET, writeCorpus } from './helpers/erasure-fixture.js';

/** A home with the secret in the store, a dataset, an exported training file, an adapter and traces. */
async function populated() {
  const dir = await tempDir('tailor-home-erasure-');
  const corpus = await writeCorpus(dir);
  const homeDir = join(dir, 'home');
  const home = await openHome({ home: homeDir, env: {}, cacheDir: join(dir, 'cache'), traceFile: true });
  const ingested = await home.ingest({ paths: [corpus.docs], collection: 'hr' });
  assert.equal(ingested.counts.new, 2);
  const built = await buildFromCollection({ store: home.store, collection: 'hr', kind: 'text' });
  await saveBuiltDataset({ home: homeDir, name: 'hr-text', examples: built.examples, details: {} });
  await trainAdapter({ home: homeDir, base: 'org/base-model', dataset: 'hr-text', backend: 'axolotl', name: 'hr-cluster' });
  const question = 'What does the zebrafish quartermaster earn?';
  const answer = await home.rag.ask(question, { filter: { collections: ['hr'] } });
  home.traces.add({ question, collections: ['hr'], keyId: 'k1', answer });
  const other = await home.rag.ask('When are harbour cranes inspected?', { filter: { collections: ['hr'], sourceGlob: '**/cranes.md' } });
  home.traces.add({ question: 'When are harbour cranes inspected?', collections: ['hr'], answer: other });
  assert.ok(filesContaining(homeDir, SECRET.slice(0, 40)).length >= 3, 'before: the secret is in the store, the dataset, the export and the trace file');
  const [secretDoc] = await home.store.doListDocuments({ sources: [corpus.secretFile] });
  return { dir, homeDir, home, corpus, secretId: secretDoc!.id };
}

async function assertErased(home: Home, homeDir: string) {
  const hits = await home.rag.search('zebrafish quartermaster kroner', { k: 5 });
  assert.ok(hits.results.every((r) => !r.chunk.text.includes('quartermaster')), 'search finds nothing of it');
  const { examples } = await createDatasetStore(homeDir).load('hr-text');
  assert.ok(examples.length > 0 && examples.every((e) => !JSON.stringify(e).includes('quartermaster')), 'the dataset lost only the erased examples');
  const traces = home.traces.list(() => true, 100);
  assert.equal(traces.length, 1, 'the trace that retrieved it is gone, the other kept');
  assert.ok(!JSON.stringify(traces).includes('quartermaster'));
  await home.close();
  assertErasedFromHome(homeDir);
}

function assertReceipt(receipt: { datasets: Array<{ name: string; removedExamples: number }>; exports: Array<{ file: string; removedRecords: number }>; adapters: Array<{ name: string; retrainCommand: string }>; traces: { memory: number; file: number }; store: { reclaimedFiles: string[] } }) {
  assert.deepEqual(receipt.datasets.map((d) => d.name), ['hr-text']);
  assert.ok(receipt.datasets[0]!.removedExamples >= 1);
  assert.deepEqual(receipt.exports.map((e) => e.file), [join('adapters', 'hr-cluster', 'data', 'train.jsonl')]);
  assert.deepEqual(receipt.adapters.map((a) => a.name), ['hr-cluster']);
  assert.match(receipt.adapters[0]!.retrainCommand, /^tailor train .*--dataset hr-text/);
  assert.deepEqual(receipt.traces, { memory: 1, file: 1 });
  assert.ok(receipt.store.reclaimedFiles.some((f) => f.endsWith('store.db')));
}

describe('every way a document leaves a home reaches datasets, exports, adapters, traces and free pages', () => {
  test('home.forget(source)', async () => {
    const { home, homeDir, corpus } = await populated();
    const report = await home.forget(corpus.secretFile);
    assert.equal(report.documents.length, 1);
    assertReceipt(report.erasure);
    assert.equal(report.erasure.store.documents, 1);
    await assertErased(home, homeDir);
  });

  test('home.deleteDocument(id)', async () => {
    const { home, homeDir, secretId } = await populated();
    const report = await home.deleteDocument(secretId);
    assertReceipt(report.erasure);
    await assertErased(home, homeDir);
  });

  test('home.erase(ids, reason) returns the receipt', async () => {
    const { home, homeDir, secretId } = await populated();
    const receipt = await home.erase([secretId], 'GDPR request 17');
    assert.equal(receipt.reason, 'GDPR request 17');
    assert.deepEqual(receipt.documents.map((d) => [d.documentId, d.whole]), [[secretId, true]]);
    assertReceipt(receipt);
    await assertErased(home, homeDir);
  });

  test('home.deleteCollection(name) erases every document of it', async () => {
    const { home, homeDir } = await populated();
    const report = await home.deleteCollection('hr');
    assert.equal(report.removedDocuments, 2);
    assert.equal(report.erasure.store.documents, 2);
    assert.deepEqual(report.erasure.adapters.map((a) => a.name), ['hr-cluster']);
    assert.deepEqual(report.erasure.traces, { memory: 2, file: 2 });
    assert.deepEqual(filesContaining(homeDir, SECRET.slice(0, 40)), []);
    assert.deepEqual(filesContaining(homeDir, KEPT.slice(0, 40)), [], 'both documents are gone from every file');
    await home.close();
  });

  test('sync after the file was deleted', async () => {
    const { home, homeDir, corpus } = await populated();
    await rm(corpus.secretFile);
    const report = await home.sync({ collection: 'hr' });
    assert.equal(report.removed.length, 1);
    assertReceipt(report.erasure);
    await assertErased(home, homeDir);
  });

  test('sync after the file changed: the old version is erased, the new one stays', async () => {
    const { home, homeDir, corpus, secretId } = await populated();
    await writeFile(corpus.secretFile, '# Payroll\n\nSalaries are now published only as bands, reviewed each March by the board.\n');
    const report = await home.sync({ collection: 'hr' });
    assert.equal(report.ingest.counts.changed, 1);
    assert.deepEqual(report.erasure.documents.map((d) => [d.documentId, d.whole]), [[secretId, false]]);
    assertReceipt(report.erasure);
    assert.equal((await home.store.doListDocuments({ ids: [secretId] })).length, 1, 'the document stays, in its new version');
    await assertErased(home, homeDir);
  });

  test('re-ingest of a changed file erases its old version', async () => {
    const { home, homeDir, corpus } = await populated();
    await writeFile(corpus.secretFile, '# Payroll\n\nSalaries are now published only as bands.\n');
    const report = await home.ingest({ paths: [corpus.docs], collection: 'hr' });
    assert.equal(report.counts.changed, 1);
    assertReceipt(report.erasure);
    await assertErased(home, homeDir);
  });

  test('the library Tailor of a home (workspace.tailor.forget) cannot delete around the erase path', async () => {
    const { home, homeDir, corpus } = await populated();
    await home.rag.forget(corpus.secretFile);
    await assertErased(home, homeDir);
  });

  test('a renamed file (re-ingest) is not an erasure: its text stays, nothing is flagged', async () => {
    const { home, homeDir, corpus } = await populated();
    const { rename } = await import('node:fs/promises');
    await rename(corpus.secretFile, join(corpus.docs, 'payroll-2026.md'));
    const report = await home.ingest({ paths: [corpus.docs], collection: 'hr' });
    assert.equal(report.counts.renamed, 1);
    assert.deepEqual(report.erasure.documents, []);
    await home.close();
    const manifest = JSON.parse(readFileSync(join(homeDir, 'adapters', 'hr-cluster', 'manifest.json'), 'utf8'));
    assert.notEqual(manifest.containsErasedData, true);
  });
});

describe('uploaded originals', () => {
  test('a document uploaded into <home>/uploads loses its original file with it; a user folder is left alone', async () => {
    const dir = await tempDir('tailor-home-uploads-');
    const homeDir = join(dir, 'home');
    const { mkdir } = await import('node:fs/promises');
    const { existsSync } = await import('node:fs');
    await mkdir(join(homeDir, 'uploads', 'hr'), { recursive: true });
    const uploaded = join(homeDir, 'uploads', 'hr', 'payroll.md');
    await writeFile(uploaded, `# Payroll\n\n${SECRET}\n`);
    const corpus = await writeCorpus(dir);
    const home = await openHome({ home: homeDir, embedder: 'none', cacheDir: join(dir, 'cache') });
    await home.ingest({ paths: [join(homeDir, 'uploads', 'hr'), corpus.keptFile], collection: 'hr' });
    const docs = await home.store.doListDocuments({});
    const report = await home.deleteCollection('hr');
    assert.equal(report.removedDocuments, docs.length);
    assert.deepEqual(report.erasure.uploads, [join('uploads', 'hr', 'payroll.md')]);
    assert.equal(existsSync(uploaded), false);
    assert.equal(existsSync(corpus.keptFile), true, 'files the user ingested from their own folders are theirs');
    await home.close();
    assert.deepEqual(filesContaining(homeDir, SECRET.slice(0, 40)), []);
  });
});

describe('openHome', () => {
  test('chooses the store from configuration and refuses one it does not have', async () => {
    const dir = await tempDir('tailor-home-store-');
    // A PostgreSQL URL opens the Postgres store; with no server there it fails clearly, without the password.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    await assert.rejects(openHome({ home: join(dir, 'a'), env: { TAILOR_STORE: `postgres://u:secret@127.0.0.1:${port}/tailor` }, cacheDir: join(dir, 'cache') }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'STORE_UNAVAILABLE');
      assert.match(e.message, /Postgres/);
      assert.ok(!e.message.includes('secret'), 'the password is not echoed');
      return true;
    });
    await assert.rejects(openHome({ home: join(dir, 'b'), store: 'mongo', cacheDir: join(dir, 'cache') }), /Unknown store "mongo"/);
    const home = await openHome({ home: join(dir, 'c'), store: 'sqlite', cacheDir: join(dir, 'cache') });
    assert.equal((await home.store.doStats()).documents, 0);
    await home.close();
    await home.close();
  });

  test('openWorkspace stays a thin wrapper over the home', async () => {
    const dir = await tempDir('tailor-home-ws-');
    const ws = await openWorkspace({ home: join(dir, 'h'), cacheDir: join(dir, 'cache') });
    assert.equal(ws.tailor, ws.owner.rag);
    assert.equal(ws.home, ws.owner.dir);
    await ws.owner.close();
  });
});
