import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isTailorError } from '../src/core/errors.js';
import { createSqliteStore, type SqliteStore } from '../src/index/sqlite-store.js';
import { randomText, seededRandom, testDoc } from './fixtures/index-docs.js';
import { tempDir } from './helpers/temp.js';

async function openStore(home?: string, snapshotAfterChanges?: number): Promise<{ store: SqliteStore; home: string }> {
  const dir = home ?? (await tempDir('tailor-store-'));
  return { store: await createSqliteStore({ home: dir, snapshotAfterChanges }), home: dir };
}

function errorCode(error: unknown): string | undefined {
  return isTailorError(error) ? error.code : undefined;
}

async function keywordIds(store: SqliteStore, text: string, k = 10, filter?: Parameters<SqliteStore['doQuery']>[0]['filter']) {
  return (await store.doQuery({ text, k, filter })).keyword.map((hit) => hit.chunkId);
}

describe('SqliteStore', () => {
  test('stores documents and chunks exactly as given', async () => {
    const { store } = await openStore();
    const upsert = testDoc({ id: 'd1', paragraphs: ['The first paragraph.', 'A second one, longer.'], headingPath: ['Intro', 'Part'] });
    upsert.document.pages = [{ page: 1, start: 0, end: 10 }];
    upsert.document.redactions = { email: 2 };
    upsert.document.signature = 'abcd';
    upsert.chunks[1].page = 1;
    const result = await store.doWrite({ upserts: [upsert] });
    assert.deepEqual(result, { upserted: 1, deleted: 0, chunksAdded: 2, chunksRemoved: 0, generation: 1 });

    const [document] = await store.doListDocuments({ ids: ['d1'], withText: true });
    assert.deepEqual(document, upsert.document);
    const [summary] = await store.doListDocuments({ ids: ['d1'] });
    assert.equal('text' in summary, false);
    const { text: _text, pages: _pages, ...expectedSummary } = upsert.document;
    assert.deepEqual(summary, expectedSummary);

    const chunks = await store.doGetChunks({ documentIds: ['d1'] });
    assert.deepEqual(chunks.map((c) => c.chunk), upsert.chunks);
    assert.deepEqual(chunks[0].document, expectedSummary);
    // Lookups by id come back in the order asked for; unknown ids are skipped.
    const byId = await store.doGetChunks({ ids: [upsert.chunks[1].id, 'missing', upsert.chunks[0].id] });
    assert.deepEqual(byId.map((c) => c.chunk.id), [upsert.chunks[1].id, upsert.chunks[0].id]);
    const byHash = await store.doGetChunks({ textHashes: [upsert.chunks[0].textHash] });
    assert.deepEqual(byHash.map((c) => c.chunk.id), [upsert.chunks[0].id]);
    await store.close();
  });

  test('an upsert replaces the document: old chunks leave BM25 results, new ones enter', async () => {
    const { store } = await openStore();
    await store.doWrite({ upserts: [testDoc({ id: 'd1', paragraphs: ['giraffes graze the savanna', 'elephants roam widely'] })] });
    await store.doWrite({ upserts: [testDoc({ id: 'd2', paragraphs: ['penguins live where it is cold'] })] });
    assert.equal((await keywordIds(store, 'giraffes')).length, 1);
    const result = await store.doWrite({ upserts: [testDoc({ id: 'd1', paragraphs: ['zebras now, only zebras'] })] });
    assert.equal(result.chunksRemoved, 2);
    assert.equal(result.chunksAdded, 1);
    assert.deepEqual(await keywordIds(store, 'giraffes elephants'), []);
    const zebra = await store.doQuery({ text: 'zebras', k: 5 });
    assert.equal(zebra.keyword.length, 1);
    const [hit] = await store.doGetChunks({ ids: [zebra.keyword[0].chunkId] });
    assert.equal(hit.chunk.text, 'zebras now, only zebras');
    assert.equal((await store.doGetChunks({ documentIds: ['d1'] })).length, 1);
    assert.equal((await store.doStats()).chunks, 2);
    await store.close();
  });

  test('a delete erases the document, its chunks and vectors; unknown ids are ignored', async () => {
    const { store } = await openStore();
    const vectors = [new Float32Array([1, 0, 0]), new Float32Array([0, 1, 0])];
    await store.doWrite({ embedderId: 'test:3', upserts: [testDoc({ id: 'd1', paragraphs: ['apples and pears', 'plums'], vectors })] });
    await store.doWrite({ embedderId: 'test:3', upserts: [testDoc({ id: 'd2', paragraphs: ['apples again'], vectors: [new Float32Array([0, 0, 1])] })] });
    const result = await store.doWrite({ deletes: ['d1', 'nope'] });
    assert.deepEqual([result.deleted, result.chunksRemoved], [1, 2]);
    assert.deepEqual(await store.doListDocuments({ ids: ['d1'] }), []);
    assert.deepEqual(await store.doGetChunks({ documentIds: ['d1'] }), []);
    const hits = await store.doQuery({ text: 'apples plums', vector: new Float32Array([1, 0, 0]), k: 10 });
    assert.equal(hits.keyword.length, 1);
    assert.equal(hits.vector.length, 1);
    const stats = await store.doStats();
    assert.deepEqual([stats.documents, stats.chunks, stats.vectors, stats.embedderId], [1, 1, 1, 'test:3']);
    await store.close();
  });

  test('filters restrict inside the query: a reader of A never sees B, whatever k', async () => {
    const { store } = await openStore();
    await store.doWrite({
      upserts: [
        testDoc({ id: 'a1', collection: 'A', paragraphs: ['quarterly budget for the alpha team'], format: 'markdown' }),
        testDoc({ id: 'a2', collection: 'A', paragraphs: ['alpha team holiday plans'], format: 'pdf', modifiedAt: '2023-06-01T00:00:00Z', source: '/share/a/plans.pdf' }),
        testDoc({ id: 'b1', collection: 'B', paragraphs: ['secret salary table for the board'] }),
        testDoc({ id: 'b2', collection: 'B', paragraphs: ['board salary review'] }),
      ],
    });
    assert.equal((await keywordIds(store, 'salary board')).length, 2);
    assert.deepEqual(await keywordIds(store, 'salary board', 1000, { collections: ['A'] }), []);
    assert.deepEqual(await keywordIds(store, 'salary', 1000, { collections: [] }), []);
    assert.equal((await keywordIds(store, 'alpha team salary', 1000, { collections: ['A'] })).length, 2);
    assert.equal((await keywordIds(store, 'alpha team', 10, { formats: ['pdf'] })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { modifiedBefore: '2024-01-01' })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { modifiedAfter: '2024-01-01' })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { sourceGlob: '/share/**/*.pdf' })).length, 1);
    assert.equal((await store.doListDocuments({ filter: { collections: ['B'] } })).length, 2);
    assert.equal((await store.doGetChunks({ filter: { collections: ['A'], formats: ['markdown'] } })).length, 1);
    await assert.rejects(store.doQuery({ text: 'x', k: 1, filter: { modifiedAfter: 'last tuesday' } }), (e) => errorCode(e) === 'INVALID_ARGUMENT');
    const stats = await store.doStats();
    assert.deepEqual(stats.collections, [
      { name: 'A', documents: 2, chunks: 2 },
      { name: 'B', documents: 2, chunks: 2 },
    ]);
    await store.close();
  });

  test('vector search equals a brute-force cosine reference, filtered inside the scan', async () => {
    const { store } = await openStore();
    const random = seededRandom(3);
    const all: Array<{ id: string; collection: string; vector: Float32Array }> = [];
    for (let d = 0; d < 40; d++) {
      const collection = d % 2 === 0 ? 'even' : 'odd';
      const vectors = [0, 1, 2].map(() => Float32Array.from({ length: 16 }, () => random() * 2 - 1));
      const upsert = testDoc({ id: `v${d}`, collection, paragraphs: ['one', 'two', 'three'], vectors });
      upsert.chunks.forEach((chunk, i) => all.push({ id: chunk.id, collection, vector: vectors[i] }));
      await store.doWrite({ embedderId: 'rand:16', upserts: [upsert] });
    }
    const cosine = (a: Float32Array, b: Float32Array) => {
      let dot = 0, na = 0, nb = 0;
      for (let i = 0; i < a.length; i++) (dot += a[i] * b[i]), (na += a[i] * a[i]), (nb += b[i] * b[i]);
      return dot / Math.sqrt(na * nb);
    };
    for (let q = 0; q < 5; q++) {
      const query = Float32Array.from({ length: 16 }, () => random() * 2 - 1);
      for (const collections of [undefined, ['odd']]) {
        const expected = all
          .filter((row) => !collections || collections.includes(row.collection))
          .map((row) => ({ chunkId: row.id, score: cosine(query, row.vector) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 7);
        const { vector } = await store.doQuery({ vector: query, k: 7, filter: collections ? { collections } : undefined });
        assert.deepEqual(vector.map((h) => h.chunkId), expected.map((h) => h.chunkId));
        vector.forEach((hit, i) => assert.ok(Math.abs(hit.score - expected[i].score) < 1e-5));
      }
    }
    await store.close();
  });

  test('another embedder is refused while its vectors remain, and accepted after forgetting everything', async () => {
    const { store } = await openStore();
    const doc = (id: string, dims: number) => testDoc({ id, paragraphs: ['text'], vectors: [new Float32Array(dims).fill(1)] });
    await store.doWrite({ embedderId: 'model-a:4', upserts: [doc('d1', 4)] });
    await assert.rejects(store.doWrite({ embedderId: 'model-b:4', upserts: [doc('d2', 4)] }), (e) => {
      assert.equal(errorCode(e), 'EMBEDDER_MISMATCH');
      assert.match((e as Error).message, /model-a:4.*model-b:4.*new home.*forget/s);
      return true;
    });
    await assert.rejects(store.doWrite({ embedderId: 'model-a:4', upserts: [doc('d2', 8)] }), (e) => errorCode(e) === 'EMBEDDER_MISMATCH');
    await assert.rejects(store.doQuery({ vector: new Float32Array(8), k: 3 }), (e) => errorCode(e) === 'EMBEDDER_MISMATCH');
    await assert.rejects(store.doWrite({ upserts: [doc('d3', 4)] }), (e) => errorCode(e) === 'INVALID_ARGUMENT');
    assert.equal((await store.doStats()).documents, 1); // the refused writes left nothing behind
    await store.doWrite({ deletes: ['d1'] });
    await store.doWrite({ embedderId: 'model-b:8', upserts: [doc('d4', 8)] });
    assert.equal((await store.doQuery({ vector: new Float32Array(8).fill(1), k: 3 })).vector.length, 1);
    assert.equal((await store.doStats()).embedderId, 'model-b:8');
    await store.close();
  });

  test('a write is atomic: a failing upsert leaves no part of the write behind', async () => {
    const { store } = await openStore();
    const first = testDoc({ id: 'd1', paragraphs: ['unique words here'] });
    const clash = testDoc({ id: 'd2', paragraphs: ['other words'] });
    clash.chunks[0].id = first.chunks[0].id; // same chunk id in two documents
    await assert.rejects(store.doWrite({ upserts: [first, clash] }), (e) => errorCode(e) === 'INVALID_ARGUMENT');
    const stats = await store.doStats();
    assert.deepEqual([stats.documents, stats.chunks, stats.generation], [0, 0, 0]);
    assert.deepEqual(await keywordIds(store, 'unique'), []);
    await store.close();
  });

  test('snapshot load, change-log replay and full rebuild all answer identically', async () => {
    const random = seededRandom(11);
    const home = await tempDir('tailor-store-');
    const { store: writer } = await openStore(home);
    for (let d = 0; d < 60; d++) {
      await writer.doWrite({ upserts: [testDoc({ id: `d${d}`, collection: d % 3 === 0 ? 'x' : 'y', paragraphs: [randomText(random, 40), randomText(random, 25)] })] });
    }
    await writer.flush(); // snapshot at this generation
    for (let d = 0; d < 20; d++) await writer.doWrite({ upserts: [testDoc({ id: `d${d * 2}`, paragraphs: [randomText(random, 30)] })] });
    await writer.doWrite({ deletes: ['d1', 'd3', 'd5'] });
    const queries = ['alpha bravo', 'quartz topaz sapphire', 'zulu', 'delta echo foxtrot golf'];
    const answers = async (store: SqliteStore) => {
      const out = [];
      for (const text of queries) out.push(await store.doQuery({ text, k: 15 }), await store.doQuery({ text, k: 15, filter: { collections: ['x'] } }));
      return out;
    };
    const live = await answers(writer);
    // A second connection, as after a crash: snapshot is older than the database, so it replays the change log.
    const { store: replayed } = await openStore(home);
    assert.deepEqual(await answers(replayed), live);
    // The writer's later writes reach the other instance through the change log too.
    await writer.doWrite({ upserts: [testDoc({ id: 'late', paragraphs: ['kyanite kyanite kyanite'] })] });
    assert.equal((await keywordIds(replayed, 'kyanite', 100))[0], (await keywordIds(writer, 'kyanite', 100))[0]);
    await replayed.close();
    await writer.close(); // writes the current snapshot
    const { store: fromSnapshot } = await openStore(home);
    const final = await answers(fromSnapshot);
    await fromSnapshot.close();
    fs.rmSync(path.join(home, 'bm25.snapshot'));
    const { store: rebuilt } = await openStore(home);
    assert.deepEqual(await answers(rebuilt), final);
    await rebuilt.close();
    fs.writeFileSync(path.join(home, 'bm25.snapshot'), 'garbage');
    const { store: recovered } = await openStore(home);
    assert.deepEqual(await answers(recovered), final);
    await recovered.close();
  });

  test('opening refuses a newer schema and a file that is not a store, with clear errors', async () => {
    const home = await tempDir('tailor-store-');
    const { store } = await openStore(home);
    await store.close();
    const db = new Database(path.join(home, 'store.db'));
    db.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
    db.close();
    await assert.rejects(createSqliteStore({ home }), (e) => errorCode(e) === 'STORE_CORRUPT' && /newer version of Tailor/.test((e as Error).message));

    const junkHome = await tempDir('tailor-store-');
    fs.writeFileSync(path.join(junkHome, 'store.db'), 'this is not a database, just text '.repeat(200));
    await assert.rejects(createSqliteStore({ home: junkHome }), (e) => errorCode(e) === 'STORE_CORRUPT');
  });

  test('a closed store refuses calls', async () => {
    const { store } = await openStore();
    await store.close();
    await store.close();
    await assert.rejects(store.doStats(), (e) => errorCode(e) === 'INVALID_ARGUMENT');
  });
});
