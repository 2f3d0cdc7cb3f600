import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuseLegs } from '../src/retrieval/fuse.js';

const keyword = [
  { chunkId: 'a', score: 12 },
  { chunkId: 'b', score: 8 },
  { chunkId: 'c', score: 2 },
];
const vector = [
  { chunkId: 'c', score: 0.9 },
  { chunkId: 'd', score: 0.7 },
  { chunkId: 'a', score: 0.1 },
];

test('weighted fusion with vector weight 0 keeps the BM25 order', () => {
  const fused = fuseLegs(keyword, vector, { method: 'weighted', vectorWeight: 0, rrfK: 60 });
  assert.deepEqual(fused.slice(0, 3).map((c) => c.chunkId), ['a', 'b', 'c']);
  assert.equal(fused.find((c) => c.chunkId === 'd')!.fused, 0);
});

test('weighted fusion normalises each leg and keeps both raw scores', () => {
  const fused = fuseLegs(keyword, vector, { method: 'weighted', vectorWeight: 0.5, rrfK: 60 });
  const byId = new Map(fused.map((c) => [c.chunkId, c]));
  assert.equal(byId.get('a')!.bm25, 12);
  assert.equal(byId.get('a')!.vector, 0.1);
  assert.ok(Math.abs(byId.get('a')!.fused - 0.5) < 1e-9); // (1 + 0) / 2
  assert.ok(Math.abs(byId.get('c')!.fused - 0.5) < 1e-9); // (0 + 1) / 2
  assert.ok(byId.get('d')!.fused > 0.3 && byId.get('d')!.fused < 0.4);
});

test('RRF rewards agreement between legs', () => {
  const fused = fuseLegs(keyword, vector, { method: 'rrf', vectorWeight: 0.5, rrfK: 60 });
  // a is 1st and 3rd, c is 3rd and 1st: tied at the top, ahead of single-leg hits.
  assert.deepEqual(fused.slice(0, 2).map((c) => c.chunkId).sort(), ['a', 'c']);
  assert.ok(fused[0]!.fused > fused.find((c) => c.chunkId === 'b')!.fused);
});

test('empty legs fuse to nothing', () => {
  assert.deepEqual(fuseLegs([], [], { method: 'weighted', vectorWeight: 0.3, rrfK: 60 }), []);
});
