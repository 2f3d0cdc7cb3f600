/**
 * The arena on PubMedQA (expert-labelled set): each question's abstract is a document; the gold
 * answer is the abstract's conclusion (LONG_ANSWER) and its evidence the whole abstract.
 *   node --import tsx bench/arena-pubmedqa.ts [--questions 20] [--documents 200] [--report out.html]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg } from './lib.js';
import { benchArena } from './arena-lib.js';
import type { ArenaQuestion } from '../src/eval/arena/index.js';

const FILE = new URL('../../shared/data/pubmedqa/ori_pqal.json', import.meta.url).pathname;
const data = JSON.parse(await readFile(FILE, 'utf8')) as Record<string, { QUESTION: string; CONTEXTS: string[]; LONG_ANSWER: string; final_decision: string }>;
const ids = Object.keys(data).sort();
const nQuestions = Number(arg('--questions', '20'));
const nDocuments = Math.max(nQuestions, Number(arg('--documents', '200')));
const docs = await mkdtemp(join(tmpdir(), 'tailor-pubmedqa-docs-'));
try {
  // The abstracts without their conclusions, so the answer must be found in the results, as in PubMedQA's reasoning-required setting.
  for (const id of ids.slice(0, nDocuments)) await writeFile(join(docs, `${id}.txt`), data[id]!.CONTEXTS.join('\n\n'));
  const questions: ArenaQuestion[] = ids.slice(0, nQuestions).map((id) => ({
    id, question: data[id]!.QUESTION, answer: data[id]!.LONG_ANSWER, answerable: true, origin: `ori_pqal.json:${id}`,
    evidence: [{ source: `${id}.txt`, start: 0, end: 10_000_000 }],
  }));
  await benchArena({ name: 'pubmedqa', docs, questions, reportCopy: process.argv.includes('--report') ? arg('--report', 'arena-pubmedqa.html') : undefined });
} finally {
  await rm(docs, { recursive: true, force: true });
}
