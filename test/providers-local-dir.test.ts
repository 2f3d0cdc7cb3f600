import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { model2vecTestDir } from './helpers/model2vec-fixture.js';
import { TailorError } from '../src/core/errors.js';
import { createModel2VecEmbedder, createTransformersEmbedder, parseSafetensors } from '../src/providers/local-dir/index.js';
import { tensorToFloat32, tensorToInt32 } from '../src/providers/local-dir/safetensors.js';
import { importTransformers } from '../src/providers/local-dir/model-dir.js';
import { cosineSimilarity } from '../src/providers/shared/vectors.js';

const MODEL2VEC = model2vecTestDir();
const tmp = mkdtempSync(join(tmpdir(), 'tailor-localdir-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function failsWith(code: string, ...fragments: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof TailorError, String(e));
    assert.equal(e.code, code);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should mention "${f}"`);
    return true;
  };
}

/** Builds a safetensors file by the format's definition, independent of the parser. */
function buildSafetensors(tensors: Record<string, { dtype: string; shape: number[]; bytes: Buffer }>): Buffer {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...Object.values(tensors).map((t) => t.bytes)]);
}

describe('safetensors reader', () => {
  test('reads F32, F16, BF16, F64 and integer tensors', () => {
    const f32 = Buffer.alloc(8);
    f32.writeFloatLE(1.5, 0);
    f32.writeFloatLE(-2.25, 4);
    // F16: 1.0 = 0x3C00, -0.5 = 0xB800, 65504 = 0x7BFF; BF16: 3.0 = 0x4040
    const f16 = Buffer.from(new Uint16Array([0x3c00, 0xb800, 0x7bff]).buffer);
    const bf16 = Buffer.from(new Uint16Array([0x4040]).buffer);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(0.125);
    const i64 = Buffer.alloc(16);
    i64.writeBigInt64LE(7n, 0);
    i64.writeBigInt64LE(-3n, 8);
    const file = parseSafetensors(
      buildSafetensors({
        a: { dtype: 'F32', shape: [2], bytes: f32 },
        b: { dtype: 'F16', shape: [3], bytes: f16 },
        c: { dtype: 'BF16', shape: [1], bytes: bf16 },
        d: { dtype: 'F64', shape: [1], bytes: f64 },
        e: { dtype: 'I64', shape: [2], bytes: i64 },
      }),
    );
    assert.deepEqual(file.metadata, { format: 'pt' });
    assert.deepEqual(Array.from(tensorToFloat32(file.tensors.get('a')!)), [1.5, -2.25]);
    assert.deepEqual(Array.from(tensorToFloat32(file.tensors.get('b')!)), [1, -0.5, 65504]);
    assert.deepEqual(Array.from(tensorToFloat32(file.tensors.get('c')!)), [3]);
    assert.deepEqual(Array.from(tensorToFloat32(file.tensors.get('d')!)), [0.125]);
    assert.deepEqual(Array.from(tensorToInt32(file.tensors.get('e')!, 'x', 'e')), [7, -3]);
    assert.deepEqual(file.tensors.get('a')!.shape, [2]);
  });

  test('rejects truncated files and inconsistent offsets', () => {
    assert.throws(() => parseSafetensors(Buffer.from([1, 2, 3])), failsWith('MODEL_LOAD_FAILED'));
    const good = buildSafetensors({ a: { dtype: 'F32', shape: [4], bytes: Buffer.alloc(16) } });
    assert.throws(() => parseSafetensors(good.subarray(0, good.length - 4)), failsWith('MODEL_LOAD_FAILED', 'inconsistent offsets'));
    const wrongShape = buildSafetensors({ a: { dtype: 'F32', shape: [5], bytes: Buffer.alloc(16) } });
    assert.throws(() => parseSafetensors(wrongShape), failsWith('MODEL_LOAD_FAILED'));
  });
});

describe('model2vec embedder on the quantised test model', () => {
  const embedder = createModel2VecEmbedder({ modelDir: MODEL2VEC });

  test('knows its dimension from the safetensors header before loading', () => {
    assert.equal(embedder.dimensions, 64);
    assert.equal(embedder.provider, 'model2vec');
    assert.equal(embedder.modelId, 'model2vec-test-vocab-quantized');
  });

  test('vectors are normalised, deterministic, and differ between different texts', async () => {
    const texts = ['The physician treated the patient.', 'The physician treated the patient.', 'Quarterly revenue rose 12 percent.'];
    const { result, usage } = await embedder.doEmbed({ values: texts });
    const [a, b, c] = result.embeddings;
    assert.equal(a.length, 64);
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.ok(cosineSimilarity(a, c) < 0.999, 'different texts give different vectors');
    assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-5);
    assert.ok((usage.inputTokens ?? 0) >= 10);
    const again = createModel2VecEmbedder({ modelDir: MODEL2VEC });
    const { result: second } = await again.doEmbed({ values: [texts[0]] });
    assert.deepEqual(Array.from(second.embeddings[0]), Array.from(a), 'a fresh instance gives the same vector');
  });

  test('text with no tokens embeds as the zero vector', async () => {
    const { result } = await embedder.doEmbed({ values: [''] });
    assert.ok(result.embeddings[0].every((x) => x === 0));
  });

  test('missing or incomplete directories give MODEL_LOAD_FAILED saying what is wrong', () => {
    const missing = join(tmp, 'nope');
    assert.throws(() => createModel2VecEmbedder({ modelDir: missing }), failsWith('MODEL_LOAD_FAILED', missing, 'does not exist'));
    const partial = join(tmp, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'tokenizer.json'), '{}');
    assert.throws(() => createModel2VecEmbedder({ modelDir: partial }), failsWith('MODEL_LOAD_FAILED', partial, 'model.safetensors'));
  });
});

// No ONNX model exists on this machine: only the failure paths of the transformers.js embedder are tested here.
describe('transformers.js (ONNX) embedder: failure paths', () => {
  test('a missing directory gives MODEL_LOAD_FAILED naming it', () => {
    const missing = join(tmp, 'no-model');
    assert.throws(() => createTransformersEmbedder({ modelDir: missing }), failsWith('MODEL_LOAD_FAILED', missing));
  });

  test('a directory without ONNX weights says how to get them', () => {
    assert.throws(() => createTransformersEmbedder({ modelDir: MODEL2VEC }), failsWith('MODEL_LOAD_FAILED', 'onnx/model.onnx', 'optimum-cli'));
  });

  test('a hub id with remote loading off fails at load, offline, with a hint (or names the install command)', async () => {
    const embedder = createTransformersEmbedder({ modelId: 'Xenova/all-MiniLM-L6-v2', cacheDir: join(tmp, 'hf-cache') });
    assert.equal(embedder.dimensions, 0);
    // transformers.js is an optional backend: CI installs it, a default install does not have it.
    const installed = await import('@huggingface/transformers' as string).then(() => true, () => false);
    await assert.rejects(
      embedder.doEmbed({ values: ['x'] }),
      installed
        ? failsWith('MODEL_LOAD_FAILED', 'Xenova/all-MiniLM-L6-v2', 'allowRemote')
        : failsWith('BACKEND_NOT_INSTALLED', 'npm install @huggingface/transformers@3.8.1'),
    );
  });

  test('an optional backend that is not installed names the one command that adds it', async () => {
    const absent = (name: string) => import(`${name}-not-installed-here`);
    await assert.rejects(importTransformers(absent), failsWith('BACKEND_NOT_INSTALLED', 'npm install @huggingface/transformers@3.8.1', 'ONNX'));
    const broken = () => Promise.reject(new Error('native binding failed'));
    await assert.rejects(importTransformers(broken), failsWith('MODEL_LOAD_FAILED', 'native binding failed'));
  });

  test('exactly one of modelDir and modelId is required', () => {
    assert.throws(() => createTransformersEmbedder({}), failsWith('INVALID_ARGUMENT'));
    assert.throws(() => createTransformersEmbedder({ modelDir: 'a', modelId: 'b' }), failsWith('INVALID_ARGUMENT'));
  });
});
