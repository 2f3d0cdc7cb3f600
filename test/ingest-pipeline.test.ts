import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor } from '../src/tailor.js';
import { tempDir } from './helpers/temp.js';

const LOREM = (topic: string) =>
  Array.from({ length: 40 }, (_, i) => `Sentence ${i} explains the ${topic} in detail, with fact number ${i * 7} about ${topic}s.`).join(' ');

async function setup() {
  const root = await tempDir();
  const docs = join(root, 'docs');
  await mkdir(docs);
  const store = await createSqliteStore({ home: join(root, 'home') });
  const tailor = createTailor({ store });
  return { root, docs, store, tailor };
}

describe('ingest pipeline', () => {
  test('skips unchanged files by hash, re-indexes changed ones atomically', async () => {
    const { docs, tailor, store } = await setup();
    await writeFile(join(docs, 'a.md'), '# Zebras\n\nZebras have black and white stripes.\n');
    await writeFile(join(docs, 'b.txt'), 'Penguins live in the southern hemisphere.\n');
    const first = await tailor.ingest({ paths: [docs] });
    assert.equal(first.counts.new, 2);
    assert.ok(first.chunksAdded >= 2);

    const second = await tailor.ingest({ paths: [docs] });
    assert.equal(second.counts.unchanged, 2);
    assert.equal(second.chunksAdded, 0);

    await writeFile(join(docs, 'a.md'), '# Zebras\n\nZebras are grazing animals of the African savanna.\n');
    const third = await tailor.ingest({ paths: [docs] });
    assert.equal(third.counts.changed, 1);
    assert.equal(third.counts.unchanged, 1);
    const stale = await tailor.search('stripes');
    assert.equal(stale.results.filter((r) => r.chunk.text.includes('stripes')).length, 0, 'old chunks are gone');
    const fresh = await tailor.search('savanna');
    assert.ok(fresh.results[0]!.chunk.text.includes('savanna'));
    const stats = await store.doStats();
    assert.equal(stats.documents, 2);
    await tailor.close();
  });

  test('sync removes deleted files; a rename keeps the content under the new name', async () => {
    const { docs, tailor } = await setup();
    await writeFile(join(docs, 'keep.md'), '# Keep\n\nThe lighthouse keeper logs every passing ship.\n');
    await writeFile(join(docs, 'gone.md'), '# Gone\n\nThe volcano erupted in the spring of that year.\n');
    await writeFile(join(docs, 'old-name.md'), '# Moved\n\nThe glacier retreats a few metres each summer.\n');
    await tailor.ingest({ paths: [docs] });

    await rm(join(docs, 'gone.md'));
    await rename(join(docs, 'old-name.md'), join(docs, 'new-name.md'));
    const renamed = await tailor.ingest({ paths: [docs] });
    assert.equal(renamed.counts.renamed, 1);
    const moved = renamed.files.find((f) => f.status === 'renamed');
    assert.ok(moved && moved.status === 'renamed' && moved.renamedFrom.endsWith('old-name.md'));

    const synced = await tailor.sync({});
    assert.deepEqual(synced.removed.map((r) => r.source.split('/').pop()), ['gone.md']);
    const volcano = await tailor.search('volcano erupted');
    assert.equal(volcano.results.length, 0);
    const glacier = await tailor.search('glacier retreats');
    assert.ok(glacier.results[0]!.document.source.endsWith('new-name.md'));
    await tailor.close();
  });

  test('exact and near-duplicate documents are reported, not indexed twice', async () => {
    const { docs, tailor, store } = await setup();
    const original = LOREM('tide');
    await writeFile(join(docs, 'one.txt'), original);
    await writeFile(join(docs, 'copy.txt'), original);
    await writeFile(join(docs, 'edited.txt'), original.replace('fact number 7', 'fact number 8'));
    const report = await tailor.ingest({ paths: [docs] });
    assert.equal(report.counts.new, 1);
    assert.equal(report.counts.duplicate, 2);
    const kinds = report.files.flatMap((f) => (f.status === 'duplicate' ? [f.kind] : [])).sort();
    assert.deepEqual(kinds, ['exact', 'near']);
    assert.equal((await store.doStats()).documents, 1);
    await tailor.close();
  });

  test('redaction replaces PII with typed placeholders in what is stored and indexed', async () => {
    const { docs, tailor, store } = await setup();
    await writeFile(join(docs, 'contacts.txt'), 'Write to jane.doe@example.com or call +44 20 7946 0958. Card 4111 1111 1111 1111 is on file.\n');
    const report = await tailor.ingest({ paths: [docs], redact: ['email', 'phone', 'card'] });
    assert.deepEqual(report.redactions, { email: 1, phone: 1, card: 1 });
    const [doc] = await store.doListDocuments({ withText: true });
    assert.ok(doc!.text!.includes('[EMAIL]') && doc!.text!.includes('[PHONE]') && doc!.text!.includes('[CARD]'));
    assert.ok(!doc!.text!.includes('jane.doe'));
    const hits = await tailor.search('jane example');
    assert.ok(hits.results.every((h) => !h.chunk.text.includes('jane')));
    await tailor.close();
  });

  test('a bad file is reported with its reason and the rest of the batch is ingested', async () => {
    const { docs, tailor, store } = await setup();
    await writeFile(join(docs, 'good.md'), '# Good\n\nOtters hold hands while they sleep.\n');
    await writeFile(join(docs, 'empty.txt'), '');
    await writeFile(join(docs, 'binary.txt'), Buffer.from([0, 1, 2, 3, 0, 255, 0, 7]));
    await writeFile(join(docs, 'broken.pdf'), '%PDF-1.7\n1 0 obj << /Type /Catalog');
    const report = await tailor.ingest({ paths: [docs] });
    assert.equal(report.counts.new, 1);
    assert.equal(report.counts.failed, 3);
    const codes = Object.fromEntries(report.files.flatMap((f) => (f.status === 'failed' ? [[f.source.split('/').pop(), f.error.code]] : [])));
    assert.deepEqual(codes, { 'binary.txt': 'BINARY_CONTENT', 'broken.pdf': 'PARSE_FAILED', 'empty.txt': 'EMPTY_DOCUMENT' });
    assert.equal((await store.doStats()).documents, 1);
    await tailor.close();
  });

  test('forget erases a document and reports what it removed', async () => {
    const { docs, tailor, store } = await setup();
    await writeFile(join(docs, 'secret.md'), '# Secret\n\nThe launch code is hidden under the blue carpet.\n');
    await writeFile(join(docs, 'other.md'), '# Other\n\nThe garden has tomatoes.\n');
    await tailor.ingest({ paths: [docs] });
    const report = await tailor.forget(join(docs, 'secret.md'));
    assert.equal(report.documents.length, 1);
    assert.ok(report.chunksRemoved >= 1);
    assert.equal((await tailor.search('launch code carpet')).results.length, 0);
    assert.equal((await store.doStats()).documents, 1);
    await assert.rejects(tailor.forget(join(docs, 'secret.md')), { code: 'NOT_FOUND' });
    await tailor.close();
  });
});
