/** Builds a throwaway Tailor (SQLite store in a temp folder) over a handful of passages, for answer benchmarks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createTailor, type Tailor } from '../src/tailor.js';

export interface Passage {
  source: string;
  title?: string;
  text: string;
}

export async function withPassages<T>(passages: Passage[], use: (tailor: Tailor) => Promise<T>): Promise<T> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-'));
  const store = await createSqliteStore({ home });
  const tailor = createTailor({ store });
  try {
    await tailor.ingestTexts({ items: passages.map((p) => ({ ...p, format: 'text' as const })), dropDuplicateChunks: false });
    return await use(tailor);
  } finally {
    await tailor.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

export interface RgbFact {
  id: number;
  query: string;
  /** A string, or a list of lists of accepted spellings. */
  answer: string | string[][];
  fakeanswer: string;
  positive: string[];
  positive_wrong: string[];
  negative: string[];
}

export const RGB_FACT = new URL('../../shared/data/rgb/en_fact.json', import.meta.url);

export function loadRgbFact(): RgbFact[] {
  return fs.readFileSync(RGB_FACT, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RgbFact);
}

/** Every accepted spelling of a gold answer. */
export function goldSpellings(answer: string | string[][]): string[] {
  return typeof answer === 'string' ? [answer] : answer.flat();
}

/** Case-insensitive containment that ignores punctuation and spacing differences ("Jul. 21, 2017" ~ "Jul 21 2017"). */
export function mentions(text: string, value: string): boolean {
  const norm = (s: string) => ` ${s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}$]+/gu, ' ').trim()} `;
  return norm(text).includes(norm(value));
}
