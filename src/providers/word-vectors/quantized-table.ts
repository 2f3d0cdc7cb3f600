import { TailorError } from '../../core/errors.js';

/**
 * The word-vector table Tailor ships, one self-describing file:
 *   "TWQ1" | u32 LE header length | header JSON padded to 4 bytes | f32 LE scale per row | i8 rows
 * Each row is stored as round(v / scale) with scale = max|v| / 127, so a row's largest
 * component is exact and the others are within scale / 2: a quarter of float32's size for a
 * cosine error far below what retrieval can notice (bench/RESULTS.md, "word vectors").
 */
const MAGIC = 'TWQ1';

export interface WordVectorTable {
  /** Words in frequency rank order (0 = most frequent). */
  words: string[];
  /** `words.length × dimensions`, row i belongs to words[i]. */
  vectors: Float32Array;
  dimensions: number;
  /** Where the vectors came from (package and version). */
  source: string;
  /** How many words the whole source vocabulary has (for the Zipf frequency estimate). */
  sourceVocabularySize: number;
}

export function encodeQuantizedTable(table: WordVectorTable): Buffer {
  const { words, vectors, dimensions } = table;
  const header = Buffer.from(
    JSON.stringify({ source: table.source, dimensions, sourceVocabularySize: table.sourceVocabularySize, words }),
    'utf8',
  );
  const dataStart = Math.ceil((8 + header.length) / 4) * 4;
  const scales = new Float32Array(words.length);
  const rows = new Int8Array(words.length * dimensions);
  for (let r = 0; r < words.length; r++) {
    let max = 0;
    for (let d = 0; d < dimensions; d++) max = Math.max(max, Math.abs(vectors[r * dimensions + d]!));
    const scale = max / 127;
    scales[r] = scale;
    if (scale === 0) continue;
    for (let d = 0; d < dimensions; d++) rows[r * dimensions + d] = Math.round(vectors[r * dimensions + d]! / scale);
  }
  const file = Buffer.alloc(dataStart + scales.byteLength + rows.byteLength, 0x20);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(header.length, 4);
  header.copy(file, 8);
  Buffer.from(scales.buffer).copy(file, dataStart);
  Buffer.from(rows.buffer).copy(file, dataStart + scales.byteLength);
  return file;
}

/** Reads the first `limit` rows (all when omitted) back as float32. */
export function decodeQuantizedTable(file: Buffer, path: string, limit = Infinity): WordVectorTable {
  const damaged = (why: string) =>
    new TailorError('MODEL_LOAD_FAILED', `The word-vector table ${path} is damaged (${why}); reinstall Tailor to restore it.`, {
      details: { path },
    });
  if (file.length < 8 || file.toString('latin1', 0, 4) !== MAGIC) throw damaged('not a TWQ1 file');
  const headerLength = file.readUInt32LE(4);
  if (8 + headerLength > file.length) throw damaged('header runs past the end');
  let header: { source?: string; dimensions?: number; sourceVocabularySize?: number; words?: string[] };
  try {
    header = JSON.parse(file.toString('utf8', 8, 8 + headerLength));
  } catch {
    throw damaged('header is not JSON');
  }
  const { source, dimensions, sourceVocabularySize, words } = header;
  if (!source || !dimensions || !sourceVocabularySize || !Array.isArray(words)) throw damaged('header fields missing');
  const dataStart = Math.ceil((8 + headerLength) / 4) * 4;
  if (file.length - dataStart !== words.length * (4 + dimensions)) throw damaged('size does not match the header');

  const count = Math.min(limit, words.length);
  const vectors = new Float32Array(count * dimensions);
  const rowsStart = dataStart + words.length * 4;
  for (let r = 0; r < count; r++) {
    const scale = file.readFloatLE(dataStart + r * 4);
    const row = rowsStart + r * dimensions;
    for (let d = 0; d < dimensions; d++) vectors[r * dimensions + d] = file.readInt8(row + d) * scale;
  }
  return { words: words.slice(0, count), vectors, dimensions, source, sourceVocabularySize };
}
