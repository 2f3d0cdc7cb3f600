import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createNearDuplicateIndex, estimateJaccard, isEmptySignature, minhashSignature } from '../src/ingest/dedup.js';
import { isTailorError } from '../src/core/errors.js';
import { abstractRecords } from './helpers/corpus.js';

const abstracts = abstractRecords(0, 400).map((r) => r.text);

/** About 300 words: two abstracts (SciFact, or generated on a fresh clone) back to back. */
const words300 = (abstracts[0] + ' ' + abstracts[1]).split(/\s+/).slice(0, 300);
const original = words300.join(' ');

function editWords(words: string[], positions: number[]): string {
  const copy = [...words];
  for (const position of positions) copy[position] = `edited${position}`;
  return copy.join(' ');
}

function trueJaccard(a: string, b: string, k = 3): number {
  const shingles = (text: string) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const set = new Set<string>();
    for (let i = 0; i + k <= words.length; i++) set.add(words.slice(i, i + k).join(' '));
    return set;
  };
  const sa = shingles(a);
  const sb = shingles(b);
  let shared = 0;
  for (const s of sa) if (sb.has(s)) shared++;
  return shared / (sa.size + sb.size - shared);
}

describe('minhashSignature', () => {
  test('is deterministic, hex, 128 slots by default, and ignores case, punctuation and spacing', () => {
    const signature = minhashSignature(original);
    assert.match(signature, /^[0-9a-f]{1024}$/);
    assert.equal(minhashSignature(original), signature);
    const reformatted = original.toUpperCase().replace(/ /g, '  \n').replace(/,/g, ' ;');
    assert.equal(minhashSignature(reformatted), signature);
    assert.equal(minhashSignature(original, { numHashes: 64 }).length, 512);
  });

  test('estimates the true Jaccard similarity of 3-word shingles', () => {
    let sumError = 0;
    let n = 0;
    for (const [i, changes] of [[2, 3], [3, 10], [4, 30], [5, 60], [6, 0]] as const) {
      const words = abstracts[i].split(/\s+/);
      const positions = Array.from({ length: changes }, (_, j) => Math.floor(((j + 0.5) * words.length) / Math.max(changes, 1)));
      const edited = editWords(words, positions);
      const error = estimateJaccard(minhashSignature(abstracts[i]), minhashSignature(edited)) - trueJaccard(abstracts[i], edited);
      assert.ok(Math.abs(error) < 0.15, `estimate off by ${error}`);
      sumError += Math.abs(error);
      n++;
    }
    assert.ok(sumError / n < 0.06, `mean absolute error ${sumError / n}`);
  });

  test('very short and empty texts', () => {
    // Fewer words than a shingle: the whole text is one shingle, so only identical texts match.
    assert.equal(estimateJaccard(minhashSignature('Hello world'), minhashSignature('hello,  WORLD!')), 1);
    assert.equal(estimateJaccard(minhashSignature('Hello world'), minhashSignature('Hello there')), 0);
    // A text without words has the empty signature, similar to nothing, itself included.
    const empty = minhashSignature(' -- !! ');
    assert.ok(isEmptySignature(empty));
    assert.equal(estimateJaccard(empty, minhashSignature('')), 0);
    assert.equal(estimateJaccard(empty, minhashSignature(original)), 0);
  });

  test('signatures of different shapes cannot be compared', () => {
    assert.throws(
      () => estimateJaccard(minhashSignature(original), minhashSignature(original, { numHashes: 64 })),
      (error: unknown) => isTailorError(error) && error.code === 'INVALID_ARGUMENT',
    );
  });
});

describe('createNearDuplicateIndex', () => {
  const index = createNearDuplicateIndex(0.85);
  abstracts.slice(10).forEach((text, i) => index.add(`doc-${i + 10}`, minhashSignature(text)));
  index.add('original', minhashSignature(original));

  test('finds a copy of a 300-word text with a few words changed', () => {
    const edited = editWords(words300, [17, 88, 150, 222, 290]);
    const found = index.findSimilar(minhashSignature(edited));
    assert.equal(found?.id, 'original');
    assert.ok(found.similarity >= 0.85 && found.similarity < 1);
  });

  test('finds an exact copy with similarity 1', () => {
    assert.deepEqual(index.findSimilar(minhashSignature(original)), { id: 'original', similarity: 1 });
  });

  test('does not match unrelated texts, or a heavily rewritten copy', () => {
    for (const text of abstracts.slice(2, 10)) assert.equal(index.findSimilar(minhashSignature(text)), undefined);
    const rewritten = editWords(words300, Array.from({ length: 40 }, (_, i) => i * 7));
    assert.equal(index.findSimilar(minhashSignature(rewritten)), undefined);
  });

  test('re-adding an id replaces it; empty signatures are not indexed', () => {
    const small = createNearDuplicateIndex();
    small.add('a', minhashSignature(original));
    small.add('a', minhashSignature(abstracts[3]));
    assert.equal(small.size, 1);
    assert.equal(small.findSimilar(minhashSignature(original)), undefined);
    assert.equal(small.findSimilar(minhashSignature(abstracts[3]))?.id, 'a');
    small.add('blank', minhashSignature('...'));
    assert.equal(small.findSimilar(minhashSignature('...')), undefined);
  });

  test('rejects a bad threshold and mixed signature shapes', () => {
    assert.throws(() => createNearDuplicateIndex(0), (e: unknown) => isTailorError(e) && e.code === 'INVALID_ARGUMENT');
    assert.throws(() => index.add('x', minhashSignature(original, { numHashes: 64 })), (e: unknown) => isTailorError(e) && e.code === 'INVALID_ARGUMENT');
  });

  test('stays fast: 20,000 signatures added and queried in well under a few seconds', () => {
    const big = createNearDuplicateIndex(0.85);
    const real = abstracts.map((text) => minhashSignature(text));
    let state = 12345;
    const randomSlot = () => {
      state = (Math.imul(state, 1103515245) + 12345) | 0;
      return (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) >>> 0).toString(16).padStart(8, '0');
    };
    // Real signatures first, then synthetic ones that behave like unrelated documents.
    const signatures = [...real, ...Array.from({ length: 20_000 - real.length }, () => Array.from({ length: 128 }, randomSlot).join(''))];
    const started = performance.now();
    let matches = 0;
    signatures.forEach((signature, i) => {
      if (big.findSimilar(signature)) matches++;
      big.add(`d${i}`, signature);
    });
    const elapsed = performance.now() - started;
    assert.equal(big.size, 20_000);
    assert.equal(matches, 0);
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });
});
