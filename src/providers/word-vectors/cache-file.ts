import { writeFileAtomicSync } from '../../io/atomic-file.js';
import { readFileSync } from 'node:fs';
import { TailorError } from '../../core/errors.js';

/**
 * One self-describing binary file, so a single rename publishes it atomically:
 *   "TWV1" | u32 LE header length | header JSON (words, dims, source) padded to 4 bytes | f32 LE rows
 */
const MAGIC = 'TWV1';

export interface WordVectorTable {
  words: string[];
  vectors: Float32Array;
  dimensions: number;
  /** Identifies where the vectors came from; a different value means the cache is stale. */
  source: string;
  sourceVocabularySize: number;
}

export function writeWordVectorCache(path: string, table: WordVectorTable): void {
  const header = Buffer.from(
    JSON.stringify({
      source: table.source,
      dimensions: table.dimensions,
      sourceVocabularySize: table.sourceVocabularySize,
      words: table.words,
    }),
    'utf8',
  );
  const headerEnd = 8 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const file = Buffer.alloc(dataStart + table.vectors.byteLength, 0x20);
  file.write(MAGIC, 0, 'latin1');
  file.writeUInt32LE(header.length, 4);
  header.copy(file, 8);
  Buffer.from(table.vectors.buffer, table.vectors.byteOffset, table.vectors.byteLength).copy(file, dataStart);

  try {
    writeFileAtomicSync(path, file);
  } catch (error) {
    throw new TailorError('UNREADABLE_PATH', `Could not write the word-vector cache ${path}: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  }
}

/** Returns undefined when the file is missing, from another source, or damaged (it is then rebuilt). */
export function readWordVectorCache(path: string, expectedSource: string): WordVectorTable | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (file.length < 8 || file.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const headerLength = file.readUInt32LE(4);
  if (8 + headerLength > file.length) return undefined;
  let header: { source?: string; dimensions?: number; sourceVocabularySize?: number; words?: string[] };
  try {
    header = JSON.parse(file.toString('utf8', 8, 8 + headerLength));
  } catch {
    return undefined;
  }
  const { source, dimensions, sourceVocabularySize, words } = header;
  if (source !== expectedSource || !dimensions || !sourceVocabularySize || !Array.isArray(words)) return undefined;
  const dataStart = Math.ceil((8 + headerLength) / 4) * 4;
  if (file.length - dataStart !== words.length * dimensions * 4) return undefined;
  // readFileSync buffers may share a pool slab at an odd offset; copy only if unaligned.
  const absolute = file.byteOffset + dataStart;
  const vectors =
    absolute % 4 === 0
      ? new Float32Array(file.buffer, absolute, words.length * dimensions)
      : new Float32Array(file.buffer.slice(absolute, absolute + words.length * dimensions * 4));
  return { words, vectors, dimensions, source, sourceVocabularySize };
}
