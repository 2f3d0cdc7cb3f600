import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dequantize, encodeF16, encodeGguf, f16ToF32, f32ToF16, parseGguf, quantizeQ8_0, readGgufFile, readLlamaConfig } from '../src/finetune/local/index.js';
import { GGML_TYPE } from '../src/finetune/local/gguf-types.js';
import { createRandom } from '../src/core/random.js';
import { isTailorError } from '../src/core/errors.js';
import { STORIES_MODEL as MODEL } from './helpers/stories-model.js';


function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

describe('GGUF reader on stories260K', () => {
  const file = readGgufFile(MODEL);

  test('header and metadata', () => {
    assert.equal(file.version, 3);
    assert.equal(file.alignment, 32);
    assert.equal(file.dataOffset % 32, 0);
    assert.equal(file.getMetadata('general.architecture'), 'llama');
    assert.equal(file.getMetadata('llama.embedding_length'), 64);
    assert.equal(file.getMetadata('llama.attention.head_count'), 8);
    assert.equal(file.getMetadata('llama.attention.head_count_kv'), 4);
    assert.equal(file.getMetadata('llama.block_count'), 5);
    assert.equal(file.getMetadata<string[]>('tokenizer.ggml.tokens')!.length, 512);
    assert.equal(file.getMetadata<string[]>('tokenizer.ggml.tokens')![1], '<s>');
  });

  test('llama config as llama.cpp reads it', () => {
    const config = readLlamaConfig(file);
    assert.deepEqual(
      { ...config, rmsEps: Number(config.rmsEps.toFixed(7)) },
      {
        architecture: 'llama', embeddingLength: 64, feedForwardLength: 172, headCount: 8, headCountKv: 4, headDim: 8,
        blockCount: 5, contextLength: 2048, ropeDims: 8, ropeFreqBase: 10000, rmsEps: 0.00001, vocabSize: 512,
        tiedOutput: false, bosTokenId: 1, eosTokenId: 2,
      },
    );
  });

  test('tensor infos and data', () => {
    assert.equal(file.tensors.length, 3 + 5 * 9);
    const q = file.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!;
    assert.deepEqual(q.dims, [64, 64]);
    assert.equal(q.type, GGML_TYPE.F32);
    assert.deepEqual(file.tensors.find((t) => t.name === 'blk.0.attn_k.weight')!.dims, [64, 32]);
    assert.deepEqual(file.tensors.find((t) => t.name === 'blk.3.ffn_down.weight')!.dims, [172, 64]);
    const embd = file.readTensor('token_embd.weight');
    assert.equal(embd.length, 64 * 512);
    assert.ok(embd.every(Number.isFinite));
    const norm = file.readTensor('output_norm.weight');
    assert.ok(norm.some((v) => v !== 0));
    assert.throws(() => file.readTensor('blk.9.attn_q.weight'), (e: unknown) => isTailorError(e) && e.code === 'NOT_FOUND');
  });

  test('truncated and foreign files are refused with PARSE_FAILED', () => {
    assert.throws(() => parseGguf(file.bytes.subarray(0, 2000)), (e: unknown) => isTailorError(e) && e.code === 'PARSE_FAILED');
    assert.throws(() => parseGguf(Buffer.from('not a gguf file at all')), (e: unknown) => isTailorError(e) && e.code === 'PARSE_FAILED');
  });
});

describe('dequantisation', () => {
  test('f16 round trip: exact for representable values, 2^-11 relative otherwise', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, -0]) assert.equal(f16ToF32(f32ToF16(v)), v);
    assert.equal(f16ToF32(f32ToF16(1e6)), Infinity);
    const values = randomValues(1024, 1, 10);
    const back = dequantize(encodeF16(values), GGML_TYPE.F16, values.length);
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(back[i]! - values[i]!) <= Math.abs(values[i]!) * 2 ** -11 + 2 ** -24);
  });

  // The block scale is stored as f16, so the bound is half a step plus 127 × its f16 rounding.
  test('q8_0 round trip stays within half a quantisation step per block', () => {
    const values = randomValues(32 * 64, 2, 3);
    const bytes = quantizeQ8_0(values);
    assert.equal(bytes.length, 64 * 34);
    const back = dequantize(bytes, GGML_TYPE.Q8_0, values.length);
    for (let b = 0; b < 64; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const step = Math.max(...block.map(Math.abs)) / 127;
      for (let j = 0; j < 32; j++) assert.ok(Math.abs(back[b * 32 + j]! - block[j]!) <= step * (0.5 + 127 * 2 ** -11), `block ${b} value ${j}`);
    }
  });

  test('GGUF written by the encoder parses back (metadata, dims, f32 data, alignment)', () => {
    const a = randomValues(12, 3);
    const b = randomValues(7, 4);
    const bytes = encodeGguf(
      [['general.architecture', { type: 'string', value: 'llama' }], ['adapter.lora.alpha', { type: 'f32', value: 16 }], ['x.names', { type: 'string[]', value: ['p', 'q'] }]],
      [{ name: 'a', dims: [4, 3], data: a }, { name: 'b', dims: [7], data: b }],
    );
    const parsed = parseGguf(bytes);
    assert.equal(parsed.metadata.get('general.architecture'), 'llama');
    assert.equal(parsed.metadata.get('adapter.lora.alpha'), 16);
    assert.deepEqual(parsed.metadata.get('x.names'), ['p', 'q']);
    assert.deepEqual(parsed.tensors.map((t) => [t.name, t.dims, t.offset % 32]), [['a', [4, 3], 0], ['b', [7], 0]]);
    const tb = parsed.tensors[1]!;
    assert.deepEqual(dequantize(bytes.subarray(parsed.dataOffset + tb.offset), GGML_TYPE.F32, 7), b);
  });
});
