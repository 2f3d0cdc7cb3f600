import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mrrAt, ndcgAt, percentile, recallAt } from '../src/eval/metrics.js';

test('nDCG@10 matches a hand computation with graded relevance', () => {
  const qrels = new Map([['a', 2], ['b', 1], ['z', 1]]);
  const ranking = ['x', 'a', 'b', 'y'];
  const dcg = 2 / Math.log2(3) + 1 / Math.log2(4);
  const idcg = 2 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
  assert.ok(Math.abs(ndcgAt(ranking, qrels, 10) - dcg / idcg) < 1e-12);
  assert.equal(ndcgAt(['a', 'b', 'z'], qrels, 10), 1);
  assert.equal(ndcgAt(['x', 'y'], qrels, 10), 0);
});

test('nDCG@k ignores hits below k', () => {
  const qrels = new Map([['a', 1]]);
  assert.equal(ndcgAt(['x', 'y', 'a'], qrels, 2), 0);
  assert.ok(ndcgAt(['x', 'y', 'a'], qrels, 3) > 0);
});

test('Recall@k and MRR@k', () => {
  const qrels = new Map([['a', 1], ['b', 1], ['c', 0]]);
  assert.equal(recallAt(['a', 'x', 'c'], qrels, 100), 0.5);
  assert.equal(recallAt(['x'], qrels, 100), 0);
  assert.equal(mrrAt(['x', 'c', 'b'], qrels, 10), 1 / 3);
  assert.equal(mrrAt(['x', 'y', 'b'], qrels, 2), 0);
});

test('percentile picks the nearest rank', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile([], 50), 0);
});
