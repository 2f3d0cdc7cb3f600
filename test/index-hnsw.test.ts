/** The HNSW vector index against its oracle, the exact scan: recall, filters inside the search, persistence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HnswVectorIndex } from '../src/index/hnsw.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { VectorIndex } from '../src/index/vectors.js';
import { seededRandom, testDoc } from './fixtures/index-docs.js';
import { tempDir } from './helpers/temp.js';

function randomVectors(count: number, dims: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
}

function build(count: number, dims: number, exactBelow: number, quantization: 'i8' | 'f32' = 'i8') {
  const exact = new VectorIndex(dims);
  const ann = new HnswVectorIndex(new VectorIndex(dims), { exactBelow, quantization });
  const vectors = randomVectors(count, dims, 1);
  vectors.forEach((v, i) => {
    // Documents of 4 chunks; every 20th document is in the "rare" group the filters below allow.
    exact.add(`c${i}`, Math.floor(i / 4), v);
    ann.add(`c${i}`, Math.floor(i / 4), v);
  });
  return { exact, ann };
}

const recall = (got: Array<{ chunkId: string }>, want: Array<{ chunkId: string }>) => got.filter((h) => want.some((w) => w.chunkId === h.chunkId)).length / want.length;

for (const quantization of ['i8', 'f32'] as const) {
  test(`HNSW (${quantization}) recall@10 against the exact scan is at least 0.95, and its scores are the exact scan's cosines`, () => {
    const { exact, ann } = build(3000, 32, 100, quantization);
    const queries = randomVectors(30, 32, 2);
    let total = 0;
    for (const q of queries) {
      const got = ann.search(q, 10);
      const want = exact.search(q, 10);
      assert.equal(got.length, 10);
      const all = exact.search(q, 3000);
      // Graph candidates are rescored with the float vectors, the same arithmetic as the scan.
      for (const hit of got) assert.equal(hit.score, all.find((h) => h.chunkId === hit.chunkId)!.score, hit.chunkId);
      total += recall(got, want);
    }
    assert.ok(ann.hasGraph, 'searches above exactBelow go through the graph');
    assert.ok(total / queries.length >= 0.95, `recall@10 ${total / queries.length}`);
  });
}

test('a filter is applied inside the search: k results, all allowed, even when the allowed share is 5%', () => {
  const { exact, ann } = build(4000, 16, 100);
  const allowed = new Uint8Array(1000);
  for (let doc = 0; doc < 1000; doc += 20) allowed[doc] = 1; // 200 of 4000 vectors
  const allowedIds = new Set<string>();
  for (let i = 0; i < 4000; i++) if (allowed[Math.floor(i / 4)]) allowedIds.add(`c${i}`);
  let total = 0;
  for (const q of randomVectors(20, 16, 3)) {
    const got = ann.search(q, 10, allowed);
    assert.equal(got.length, 10, 'never fewer than k because of other documents');
    assert.ok(got.every((h) => allowedIds.has(h.chunkId)), 'never a disallowed document');
    total += recall(got, exact.search(q, 10, allowed));
  }
  assert.ok(total / 20 >= 0.95);
});

test('removals leave the graph results at once; below exactBelow the exact scan answers', () => {
  const { ann } = build(500, 8, 100);
  const q = randomVectors(1, 8, 4)[0]!;
  const first = ann.search(q, 5);
  assert.ok(ann.remove(first[0]!.chunkId));
  assert.ok(!ann.search(q, 5).some((h) => h.chunkId === first[0]!.chunkId));
  const small = new HnswVectorIndex(new VectorIndex(8), { exactBelow: 1000 });
  small.add('a', 1, new Float32Array(8).fill(1));
  assert.equal(small.search(q, 3).length, 1);
  assert.equal(small.hasGraph, false);
});

test('the embedded store persists the graph beside the BM25 snapshot, reuses it at the same generation, and rebuilds it when stale', async () => {
  const home = await tempDir('tailor-hnsw-');
  const vectors = randomVectors(400, 8, 5);
  const upserts = Array.from({ length: 100 }, (_, d) =>
    testDoc({ id: `d${d}`, collection: d % 10 === 0 ? 'rare' : 'common', paragraphs: ['a', 'b', 'c', 'd'], vectors: vectors.slice(d * 4, d * 4 + 4) }),
  );
  const oracle = await createSqliteStore({ home: await tempDir('tailor-hnsw-oracle-'), ann: false });
  await oracle.doWrite({ embedderId: 'rand:8', upserts });
  let store = await createSqliteStore({ home, ann: { exactBelow: 50 } });
  await store.doWrite({ embedderId: 'rand:8', upserts });
  const q = randomVectors(1, 8, 6)[0]!;
  const filtered = await store.doQuery({ vector: q, k: 10, filter: { collections: ['rare'] } });
  assert.deepEqual(filtered.vector, (await oracle.doQuery({ vector: q, k: 10, filter: { collections: ['rare'] } })).vector);
  const before = (await store.doQuery({ vector: q, k: 10 })).vector;
  await store.close(); // writes the snapshot and the graph
  const graph = path.join(home, 'vectors.hnsw');
  assert.ok(fs.existsSync(graph) && fs.existsSync(`${graph}.json`));
  store = await createSqliteStore({ home, ann: { exactBelow: 50 } });
  assert.deepEqual((await store.doQuery({ vector: q, k: 10 })).vector, before);
  // A write another process made (the graph file is now stale): replayed, the deleted document is gone.
  const other = await createSqliteStore({ home, ann: false });
  await other.doWrite({ deletes: ['d0'] });
  await other.close();
  const gone = new Set((await oracle.doGetChunks({ documentIds: ['d0'] })).map((c) => c.chunk.id));
  const afterDelete = (await store.doQuery({ vector: q, k: 400 })).vector;
  assert.equal(afterDelete.length, 396);
  assert.ok(afterDelete.every((h) => !gone.has(h.chunkId)));
  // A delete through this store removes keys from the live graph: erased vectors never reach disk,
  // so the graph is not saved with them (it is rebuilt from the live vectors when next needed).
  await store.doWrite({ deletes: ['d1'] });
  await store.close();
  const saved = fs.existsSync(`${graph}.json`) ? (JSON.parse(fs.readFileSync(`${graph}.json`, 'utf8')) as { ids: Array<string | null> }) : null;
  if (saved) assert.ok(saved.ids.every((id) => id !== null && !gone.has(id)));
  assert.equal(fs.existsSync(graph), saved !== null);
  await oracle.close();
});
