import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '../../src/core/random.js';
import { encodeGguf, type GgufWriteTensor, type GgufWriteValue } from '../../src/finetune/local/gguf-write.js';

/**
 * A random-weight llama with stories260K's shapes (64 wide, 5 blocks, 8 heads, 4 KV heads, 512
 * tokens), written with Tailor's own GGUF writer so that the llama.cpp, forward-pass and LoRA suites
 * run on a fresh clone. Its SentencePiece-style vocabulary (unk, BOS, EOS, 256 byte tokens, then word
 * pieces built as prefix chains so the SPM merger can reach them) is what llama.cpp needs to load it.
 */
const VERSION = 2;
const DIM = 64;
const FFN = 172;
const HEADS = 8;
const KV_HEADS = 4;
const BLOCKS = 5;
const VOCAB = 512;

const WORDS = (
  'the a an and of to in is it was on for with as at by from that this be are or not you we he she they her his ' +
  'once upon time there little girl named lily loved play outside park dog day cat sun happy big' +
  ' policy leave days year staff laptops encrypted locked passwords security office remote work answer ' +
  'name animal otter user system assistant brief what who how when where why'
).split(/\s+/);

function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  const pieces = new Set<string>();
  const add = (p: string): void => { if (tokens.length + pieces.size < VOCAB) pieces.add(p); };
  add('▁');
  for (const c of 'etaoinshrdlucmfwypvbgkqjxz') add(c);
  for (const c of 'ETAOINSHRDLUCMFWYPVBGKQJXZ.,!?\'-:;0123456789') add(c);
  // Chat transcripts put role names at the start of a line (no leading space) as well as after one.
  for (const role of ['User', 'Assistant', 'System']) {
    for (let i = 2; i <= role.length; i++) add(role.slice(0, i));
  }
  for (const word of ['User', 'Assistant', 'System', 'Hi', 'Be', 'Name', 'Once', 'Lily', 'She', 'The', ...WORDS]) {
    const piece = `▁${word}`;
    for (let i = 2; i <= piece.length; i++) add(piece.slice(0, i));
  }
  for (const p of pieces) {
    tokens.push(p);
    types.push(1);
  }
  while (tokens.length < VOCAB) {
    tokens.push(`<unused${tokens.length}>`);
    types.push(5);
  }
  // SPM merges the highest-scoring adjacent pair first; longer pieces score higher so whole words win.
  const scores = tokens.map((t, i) => (types[i] === 1 ? -1000 + [...t].length * 10 - i / 1000 : 0));
  return { tokens, scores, types };
}

function randomTensor(name: string, dims: number[], random: () => number, scale: number): GgufWriteTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (random() * 2 - 1) * scale;
  return { name, dims, data };
}

function ones(name: string, n: number): GgufWriteTensor {
  return { name, dims: [n], data: new Float32Array(n).fill(1) };
}

/** The tiny model's bytes; the same on every run (seeded). */
export function encodeTinyLlama(): Buffer {
  const random = createRandom(20260);
  const { tokens, scores, types } = vocabulary();
  const headDim = DIM / HEADS;
  const metadata: Array<[string, GgufWriteValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'tailor-tiny-random-llama' }],
    ['llama.context_length', { type: 'u32', value: 2048 }],
    ['llama.embedding_length', { type: 'u32', value: DIM }],
    ['llama.feed_forward_length', { type: 'u32', value: FFN }],
    ['llama.attention.head_count', { type: 'u32', value: HEADS }],
    ['llama.attention.head_count_kv', { type: 'u32', value: KV_HEADS }],
    ['llama.block_count', { type: 'u32', value: BLOCKS }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
  ];
  const kvDim = headDim * KV_HEADS;
  const tensors: GgufWriteTensor[] = [
    randomTensor('token_embd.weight', [DIM, VOCAB], random, 1),
    ones('output_norm.weight', DIM),
    randomTensor('output.weight', [DIM, VOCAB], random, 0.5),
  ];
  const w = 1 / Math.sqrt(DIM);
  for (let b = 0; b < BLOCKS; b++) {
    tensors.push(
      randomTensor(`blk.${b}.attn_q.weight`, [DIM, DIM], random, w),
      randomTensor(`blk.${b}.attn_k.weight`, [DIM, kvDim], random, w),
      randomTensor(`blk.${b}.attn_v.weight`, [DIM, kvDim], random, w),
      randomTensor(`blk.${b}.attn_output.weight`, [DIM, DIM], random, w),
      ones(`blk.${b}.attn_norm.weight`, DIM),
      randomTensor(`blk.${b}.ffn_gate.weight`, [DIM, FFN], random, w),
      randomTensor(`blk.${b}.ffn_down.weight`, [FFN, DIM], random, 1 / Math.sqrt(FFN)),
      randomTensor(`blk.${b}.ffn_up.weight`, [DIM, FFN], random, w),
      ones(`blk.${b}.ffn_norm.weight`, DIM),
    );
  }
  return encodeGguf(metadata, tensors);
}

/** Writes the tiny model once per machine (atomically, shared by test files) and returns its path. */
export function tinyLlamaPath(): string {
  const dir = join(tmpdir(), 'tailor-test-fixtures');
  const path = join(dir, `tiny-random-llama-v${VERSION}.gguf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, encodeTinyLlama());
  renameSync(temp, path);
  return path;
}
