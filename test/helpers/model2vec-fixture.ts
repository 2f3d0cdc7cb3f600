import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../../src/core/random.js';

const REAL = fileURLToPath(new URL('../../../shared/models/model2vec-test-vocab-quantized', import.meta.url));
const VERSION = 1;
const DIMENSIONS = 64;
const ROWS = 128;

const WORDS = (
  'the a an and or of to in on at for with by from is are was were be been has have had it this that these those ' +
  'physician treated patient quarterly revenue rose percent new employees get days paid vacation per calendar year ' +
  'accrue monthly first passwords must least characters long report lost badge within one hour how many what who ' +
  'when where why which do does did not no yes policy security office remote work travel expenses hotel flight ' +
  'manager approval claim receipt laptop encrypted locked data privacy leave sick parental holiday salary bonus'
).split(/\s+/);

function safetensors(tensors: Record<string, { dtype: 'F32' | 'F64' | 'I32'; shape: number[]; bytes: Buffer }>): Buffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([size, json, ...Object.values(tensors).map((t) => t.bytes)]);
}

/** A model2vec directory the tests write themselves: a word-level tokenizer.json and a vocabulary-quantised table. */
function writeGenerated(dir: string): void {
  const random = createRandom(2024);
  const vocab: Record<string, number> = { '[PAD]': 0, '[UNK]': 1 };
  for (const w of WORDS) vocab[w] ??= Object.keys(vocab).length;
  for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.,?!') vocab[c] ??= Object.keys(vocab).length;
  const size = Object.keys(vocab).length;
  const embeddings = new Float32Array(ROWS * DIMENSIONS).map(() => random() * 2 - 1);
  const mapping = new Int32Array(size).map((_, i) => i % ROWS);
  const weights = new Float64Array(size).map(() => 0.5 + random());
  writeFileSync(join(dir, 'model.safetensors'), safetensors({
    weights: { dtype: 'F64', shape: [size], bytes: Buffer.from(weights.buffer) },
    embeddings: { dtype: 'F32', shape: [ROWS, DIMENSIONS], bytes: Buffer.from(embeddings.buffer) },
    mapping: { dtype: 'I32', shape: [size], bytes: Buffer.from(mapping.buffer) },
  }));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', unk_token: '[UNK]', pad_token: '[PAD]', model_max_length: 1000000 }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'model2vec', architectures: ['StaticModel'], hidden_dim: DIMENSIONS, normalize: true }));
}

/**
 * The model2vec directory the embedder suites run on: ../shared's quantised test model where present,
 * otherwise one of the same name and width written here (TAILOR_TEST_FIXTURES=generated forces that).
 */
export function model2vecTestDir(): string {
  if (existsSync(REAL) && process.env.TAILOR_TEST_FIXTURES !== 'generated') return REAL;
  const root = join(tmpdir(), 'tailor-test-fixtures', `model2vec-v${VERSION}`);
  const dir = join(root, 'model2vec-test-vocab-quantized');
  if (existsSync(join(dir, 'config.json'))) return dir;
  const temp = join(root, `tmp-${process.pid}`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  writeGenerated(temp);
  try {
    renameSync(temp, dir);
  } catch (error) {
    // Another test file wrote it first: theirs is byte-identical.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'config.json'))) throw error;
  }
  return dir;
}
