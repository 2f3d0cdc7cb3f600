/**
 * The store contract: what every Store backend promises, as one suite each backend's test file
 * runs (test/store-contract-*.test.ts). Oracles are independent of the backend under test: a
 * fresh in-memory BM25 index built from the live chunks, and a brute-force cosine in doubles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTailorError } from '../src/core/errors.js';
import type { Filter } from '../src/core/types.js';
import { Bm25Index } from '../src/index/bm25.js';
import type { ScoredChunkId, Store } from '../src/index/store.js';
import { prepareWrite } from '../src/index/write.js';
import type { DocumentUpsert } from '../src/index/store.js';
import { randomText, seededRandom, testDoc } from './fixtures/index-docs.js';

export interface ContractOptions {
  /** A fresh, empty store for each test. */
  open: () => Promise<Store>;
  /** Skip every test with this one-line reason (a missing server binary). */
  skip?: string;
}

const code = (error: unknown) => (isTailorError(error) ? error.code : undefined);

async function keywordIds(store: Store, text: string, k = 10, filter?: Filter): Promise<string[]> {
  return (await store.doQuery({ text, k, filter })).keyword.map((hit) => hit.chunkId);
}

/**
 * Same ids in the same order with scores equal up to float32 rounding; two hits whose scores
 * are equal within that rounding may swap places.
 */
export function assertSameRanking(actual: ScoredChunkId[], expected: ScoredChunkId[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: ${actual.length} hits, expected ${expected.length}`);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(close(actual[i]!.score, expected[i]!.score), `${label}: score at rank ${i} is ${actual[i]!.score}, expected ${expected[i]!.score}`);
    if (actual[i]!.chunkId !== expected[i]!.chunkId) {
      const other = expected.find((e) => e.chunkId === actual[i]!.chunkId);
      assert.ok(other && close(other.score, expected[i]!.score), `${label}: rank ${i} holds ${actual[i]!.chunkId}, expected ${expected[i]!.chunkId}`);
    }
  }
}

/** The oracle: an index built fresh from exactly the live documents' chunks. */
function freshBm25(live: Map<string, DocumentUpsert>): { index: Bm25Index; docKeyOf: Map<string, number> } {
  const index = new Bm25Index();
  const docKeyOf = new Map<string, number>();
  let docKey = 0;
  for (const upsert of live.values()) {
    docKeyOf.set(upsert.document.id, ++docKey);
    const { tokens } = prepareWrite({ upserts: [upsert] });
    upsert.chunks.forEach((chunk, j) => index.add({ chunkId: chunk.id, docKey, body: tokens[0]![j]!.body, field: tokens[0]![j]!.field }));
  }
  return { index, docKeyOf };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

export function storeContract(options: ContractOptions): void {
  const it = (name: string, fn: (store: Store) => Promise<void>) =>
    test(name, { skip: options.skip }, async () => {
      const store = await options.open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });

  it('stores documents and chunks exactly as given, and looks them up by id, hash and document', async (store) => {
    const upsert = testDoc({ id: 'd1', paragraphs: ['The first paragraph.', 'A second one, longer.'], headingPath: ['Intro', 'Part'] });
    upsert.document.pages = [{ page: 1, start: 0, end: 10 }];
    upsert.document.redactions = { email: 2 };
    upsert.document.signature = 'abcd';
    upsert.chunks[1]!.page = 1;
    assert.deepEqual(await store.doWrite({ upserts: [upsert] }), { upserted: 1, deleted: 0, chunksAdded: 2, chunksRemoved: 0, generation: 1 });
    const [document] = await store.doListDocuments({ ids: ['d1'], withText: true });
    assert.deepEqual(document, upsert.document);
    const { text: _text, pages: _pages, ...summary } = upsert.document;
    assert.deepEqual(await store.doListDocuments({ ids: ['d1'] }), [summary]);
    const chunks = await store.doGetChunks({ documentIds: ['d1'] });
    assert.deepEqual(chunks.map((c) => c.chunk), upsert.chunks);
    assert.deepEqual(chunks[0]!.document, summary);
    const byId = await store.doGetChunks({ ids: [upsert.chunks[1]!.id, 'missing', upsert.chunks[0]!.id] });
    assert.deepEqual(byId.map((c) => c.chunk.id), [upsert.chunks[1]!.id, upsert.chunks[0]!.id]);
    assert.deepEqual((await store.doGetChunks({ textHashes: [upsert.chunks[0]!.textHash] })).map((c) => c.chunk.id), [upsert.chunks[0]!.id]);
    assert.deepEqual((await store.doListDocuments({ contentHashes: [upsert.document.contentHash] })).map((d) => d.id), ['d1']);
    assert.deepEqual((await store.doListDocuments({ sources: [upsert.document.source] })).map((d) => d.id), ['d1']);
  });

  it('an upsert replaces the document: old chunks leave the results, new ones enter', async (store) => {
    await store.doWrite({ upserts: [testDoc({ id: 'd1', paragraphs: ['giraffes graze the savanna', 'elephants roam widely'] })] });
    await store.doWrite({ upserts: [testDoc({ id: 'd2', paragraphs: ['penguins live where it is cold'] })] });
    assert.equal((await keywordIds(store, 'giraffes')).length, 1);
    const result = await store.doWrite({ upserts: [testDoc({ id: 'd1', paragraphs: ['zebras now, only zebras'] })] });
    assert.deepEqual([result.upserted, result.chunksRemoved, result.chunksAdded, result.generation], [1, 2, 1, 3]);
    assert.deepEqual(await keywordIds(store, 'giraffes elephants'), []);
    const [hit] = await store.doGetChunks({ ids: await keywordIds(store, 'zebras') });
    assert.equal(hit!.chunk.text, 'zebras now, only zebras');
    assert.equal((await store.doStats()).chunks, 2);
  });

  it('a delete erases the document, its chunks and vectors; unknown ids are ignored', async (store) => {
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
  });

  it('filters apply inside the query: a reader of A never sees B, whatever k', async (store) => {
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
    // k=1 under a filter still finds the allowed chunk although B's chunks score higher.
    assert.equal((await keywordIds(store, 'salary board team', 1, { collections: ['A'] })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { formats: ['pdf'] })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { modifiedBefore: '2024-01-01' })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { modifiedAfter: '2024-01-01' })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { sourceGlob: '/share/**/*.pdf' })).length, 1);
    assert.equal((await keywordIds(store, 'alpha team', 10, { sourceGlob: '/nowhere/**' })).length, 0);
    assert.equal((await store.doListDocuments({ filter: { collections: ['B'] } })).length, 2);
    assert.equal((await store.doListDocuments({ filter: { sourceGlob: '/share/**' } })).length, 1);
    assert.equal((await store.doGetChunks({ filter: { collections: ['A'], formats: ['markdown'] } })).length, 1);
    await assert.rejects(store.doQuery({ text: 'x', k: 1, filter: { modifiedAfter: 'last tuesday' } }), (e) => code(e) === 'INVALID_ARGUMENT');
    assert.deepEqual((await store.doStats()).collections, [
      { name: 'A', documents: 2, chunks: 2 },
      { name: 'B', documents: 2, chunks: 2 },
    ]);
  });

  it('a write is atomic: a failing batch leaves nothing behind', async (store) => {
    await store.doWrite({ upserts: [testDoc({ id: 'keep', paragraphs: ['kept words stay'] })] });
    const first = testDoc({ id: 'd1', paragraphs: ['unique words here'] });
    const clash = testDoc({ id: 'd2', paragraphs: ['other words'] });
    clash.chunks[0]!.id = first.chunks[0]!.id; // one chunk id in two documents
    await assert.rejects(store.doWrite({ upserts: [first, clash], deletes: ['keep'] }), (e) => code(e) === 'INVALID_ARGUMENT');
    const stats = await store.doStats();
    assert.deepEqual([stats.documents, stats.chunks, stats.generation], [1, 1, 1]);
    assert.deepEqual(await keywordIds(store, 'unique other'), []);
    assert.equal((await keywordIds(store, 'kept')).length, 1);
    // Statistics were rolled back too: the surviving chunk scores as in a store that only ever held it.
    const [score] = (await store.doQuery({ text: 'kept', k: 1 })).keyword;
    const { index } = freshBm25(new Map([['keep', testDoc({ id: 'keep', paragraphs: ['kept words stay'] })]]));
    assertSameRanking([score!], index.search(['kept'], 1), 'after rollback');
  });

  it('another embedder is refused while its vectors remain, and accepted after forgetting everything', async (store) => {
    const doc = (id: string, dims: number) => testDoc({ id, paragraphs: ['text'], vectors: [new Float32Array(dims).fill(1)] });
    await store.doWrite({ embedderId: 'model-a:4', upserts: [doc('d1', 4)] });
    await assert.rejects(store.doWrite({ embedderId: 'model-b:4', upserts: [doc('d2', 4)] }), (e) => code(e) === 'EMBEDDER_MISMATCH');
    await assert.rejects(store.doWrite({ embedderId: 'model-a:4', upserts: [doc('d2', 8)] }), (e) => code(e) === 'EMBEDDER_MISMATCH');
    await assert.rejects(store.doQuery({ vector: new Float32Array(8), k: 3 }), (e) => code(e) === 'EMBEDDER_MISMATCH');
    assert.equal((await store.doStats()).documents, 1);
    await store.doWrite({ deletes: ['d1'] });
    await store.doWrite({ embedderId: 'model-b:8', upserts: [doc('d4', 8)] });
    assert.equal((await store.doQuery({ vector: new Float32Array(8).fill(1), k: 3 })).vector.length, 1);
    assert.equal((await store.doStats()).embedderId, 'model-b:8');
  });

  it('BM25 scores equal a fresh in-memory build after upserts, replacements and deletes, with and without filters', async (store) => {
    const random = seededRandom(11);
    const live = new Map<string, DocumentUpsert>();
    const put = async (upserts: DocumentUpsert[], deletes: string[] = []) => {
      await store.doWrite({ upserts, deletes });
      for (const id of deletes) live.delete(id);
      for (const u of upserts) live.set(u.document.id, u);
    };
    const make = (d: number, paragraphs: number) =>
      testDoc({
        id: `d${d}`,
        collection: d % 3 === 0 ? 'x' : 'y',
        title: `Report ${randomText(random, 3)}`,
        headingPath: d % 2 === 0 ? [randomText(random, 2)] : [],
        paragraphs: Array.from({ length: paragraphs }, () => randomText(random, 10 + Math.floor(random() * 40))),
      });
    const batch: DocumentUpsert[] = [];
    for (let d = 0; d < 50; d++) batch.push(make(d, 1 + (d % 4)));
    await put(batch.slice(0, 30));
    await put(batch.slice(30));
    await put([make(2, 2), make(4, 3), make(60, 2)], ['d1', 'd3', 'd5', 'missing']);
    const { index, docKeyOf } = freshBm25(live);
    const allowedX = new Uint8Array(100);
    for (const [id, upsert] of live) if (upsert.document.collection === 'x') allowedX[docKeyOf.get(id)!] = 1;
    const { analyze } = await import('../src/index/analyzer.js');
    for (const text of ['alpha bravo', 'quartz topaz sapphire', 'zulu', 'delta echo foxtrot golf', 'report alpha alpha', 'nothing-matches-this']) {
      for (const k of [1, 5, 40]) {
        assertSameRanking((await store.doQuery({ text, k })).keyword, index.search(analyze(text), k), `"${text}" k=${k}`);
        assertSameRanking(
          (await store.doQuery({ text, k, filter: { collections: ['x'] } })).keyword,
          index.search(analyze(text), k, allowedX),
          `"${text}" k=${k} in x`,
        );
      }
    }
  });

  it('vector results equal a brute-force cosine, filtered inside the search', async (store) => {
    const random = seededRandom(3);
    const all: Array<{ id: string; collection: string; vector: Float32Array }> = [];
    const upserts: DocumentUpsert[] = [];
    for (let d = 0; d < 40; d++) {
      const collection = d % 2 === 0 ? 'even' : 'odd';
      const vectors = [0, 1, 2].map(() => Float32Array.from({ length: 16 }, () => random() * 2 - 1));
      const upsert = testDoc({ id: `v${d}`, collection, paragraphs: ['one', 'two', 'three'], vectors });
      upsert.chunks.forEach((chunk, i) => all.push({ id: chunk.id, collection, vector: vectors[i]! }));
      upserts.push(upsert);
    }
    await store.doWrite({ embedderId: 'rand:16', upserts: upserts.slice(0, 20) });
    await store.doWrite({ embedderId: 'rand:16', upserts: upserts.slice(20) });
    for (let q = 0; q < 5; q++) {
      const query = Float32Array.from({ length: 16 }, () => random() * 2 - 1);
      for (const collections of [undefined, ['odd'], []]) {
        const expected = all
          .filter((row) => !collections || collections.includes(row.collection))
          .map((row) => ({ chunkId: row.id, score: cosine(query, row.vector) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 7);
        const { vector } = await store.doQuery({ vector: query, k: 7, filter: collections ? { collections } : undefined });
        assertSameRanking(vector, expected, `vector query ${q} in ${collections?.join(',') ?? 'all'}`);
      }
    }
  });

  it('stats count documents, chunks and vectors per collection, and each write moves the generation by one', async (store) => {
    assert.deepEqual(await store.doStats(), { documents: 0, chunks: 0, vectors: 0, collections: [], generation: 0 });
    await store.doWrite({ upserts: [testDoc({ id: 'a', collection: 'c1', paragraphs: ['one', 'two'] }), testDoc({ id: 'b', collection: 'c2', paragraphs: ['three'] })] });
    await store.doWrite({ deletes: ['nothing'] });
    const stats = await store.doStats();
    assert.deepEqual(stats, {
      documents: 2,
      chunks: 3,
      vectors: 0,
      collections: [
        { name: 'c1', documents: 1, chunks: 2 },
        { name: 'c2', documents: 1, chunks: 1 },
      ],
      generation: 2,
    });
  });
}
