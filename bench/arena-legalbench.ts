/**
 * The arena on LegalBench-RAG (offline arms: stories260K alone, stories260K with a domain prompt,
 * RAG with the extractive answerer), a few questions from each sub-benchmark.
 *   node --import tsx bench/arena-legalbench.ts [--per-set 5] [--report out.html]
 * Gold answers were rewritten by a model, so EM means little here; the gold evidence is the
 * whole source document, so cite P/R measure "cited the right contract".
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { arg } from './lib.js';
import { benchArena } from './arena-lib.js';
import type { ArenaQuestion } from '../src/eval/arena/index.js';

const ROOT = new URL('../../shared/data/legalbench-rag-qa/', import.meta.url).pathname;
const perSet = Number(arg('--per-set', '5'));
const questions: ArenaQuestion[] = [];
for (const set of ['contractnli', 'cuad', 'maud', 'privacy_qa']) {
  const rows = parse(await readFile(`${ROOT}${set}.csv`, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  rows.slice(0, perSet).forEach((row, i) => {
    const source = `knowledge-base/${row.source_file}`;
    questions.push({ id: `${set}-${i + 1}`, question: row.prompt!, answer: row['expected completion']!, answerable: true, origin: `${set}.csv:${i + 2}`, evidence: [{ source, start: 0, end: 10_000_000 }] });
  });
}
await benchArena({ name: 'legalbench', docs: `${ROOT}knowledge-base`, questions, reportCopy: process.argv.includes('--report') ? arg('--report', 'arena-legalbench.html') : undefined });
