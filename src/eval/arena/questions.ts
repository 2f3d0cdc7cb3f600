import { readFile } from 'node:fs/promises';
import { TailorError } from '../../core/errors.js';
import { stableId } from '../../core/hash.js';
import type { Store } from '../../index/store.js';
import { offlineQuestions } from '../../finetune/build/offline-questions.js';
import type { ArenaQuestion, Evidence } from './types.js';

/**
 * Reads a questions file: one JSON object per line with `question`, `answer`, optional
 * `evidence` ({source, start, end} | {source, quote} | an array of them), `answerable`
 * (default true), `split` ("train" | "test") and `id`. Every bad line is reported at once,
 * with its number, so one fix pass is enough.
 */
export async function readQuestionsFile(path: string): Promise<ArenaQuestion[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TailorError('NOT_FOUND', `The questions file ${path} cannot be read. Check the path given to --questions.`, { cause, details: { path } });
  }
  return parseQuestions(text, path);
}

export function parseQuestions(text: string, path = 'questions'): ArenaQuestion[] {
  const questions: ArenaQuestion[] = [];
  const problems: Array<{ line: number; problem: string }> = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (!raw.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      problems.push({ line, problem: 'not valid JSON' });
      return;
    }
    const problem = checkRecord(record);
    if (problem) {
      problems.push({ line, problem });
      return;
    }
    const r = record as Record<string, unknown>;
    const id = typeof r.id === 'string' && r.id ? r.id : `q${line}`;
    if (seen.has(id)) {
      problems.push({ line, problem: `duplicate id "${id}"` });
      return;
    }
    seen.add(id);
    const evidence = r.evidence === undefined ? undefined : (Array.isArray(r.evidence) ? r.evidence : [r.evidence]) as Evidence[];
    questions.push({
      id,
      question: (r.question as string).trim(),
      answer: typeof r.answer === 'string' ? r.answer.trim() : '',
      evidence,
      answerable: r.answerable !== false,
      split: r.split as ArenaQuestion['split'],
      origin: `${path}:${line}`,
    });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).map((p) => `line ${p.line}: ${p.problem}`).join('; ');
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${path} has ${problems.length} bad line(s) — ${shown}${problems.length > 5 ? '; …' : ''}. Each line must be a JSON object like {"question": "…", "answer": "…", "evidence": {"source": "file.md", "quote": "…"}}; fix or remove those lines.`,
      { details: { path, problems } },
    );
  }
  if (questions.length === 0) {
    throw new TailorError('INVALID_ARGUMENT', `${path} holds no questions: write one JSON object per line with "question" and "answer".`, { details: { path } });
  }
  return questions;
}

function checkRecord(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'expected a JSON object';
  const r = record as Record<string, unknown>;
  if (typeof r.question !== 'string' || !r.question.trim()) return '"question" must be a non-empty string';
  const answerable = r.answerable !== false;
  if (r.answerable !== undefined && typeof r.answerable !== 'boolean') return '"answerable" must be true or false';
  if (answerable && (typeof r.answer !== 'string' || !r.answer.trim())) return '"answer" must be a non-empty string (or set "answerable": false)';
  if (r.answer !== undefined && typeof r.answer !== 'string') return '"answer" must be a string';
  if (r.split !== undefined && r.split !== 'train' && r.split !== 'test') return '"split" must be "train" or "test"';
  if (r.id !== undefined && typeof r.id !== 'string') return '"id" must be a string';
  if (r.evidence !== undefined) {
    const list = Array.isArray(r.evidence) ? r.evidence : [r.evidence];
    for (const e of list) {
      if (typeof e !== 'object' || e === null) return '"evidence" must be {source, start, end} or {source, quote}';
      const ev = e as Record<string, unknown>;
      if (typeof ev.source !== 'string' || !ev.source) return '"evidence.source" must name the document';
      const span = Number.isInteger(ev.start) && Number.isInteger(ev.end) && (ev.end as number) > (ev.start as number) && (ev.start as number) >= 0;
      const quote = typeof ev.quote === 'string' && ev.quote.trim() !== '';
      if (!span && !quote) return '"evidence" needs "start" < "end" (character offsets) or a non-empty "quote"';
    }
  }
  return undefined;
}

/**
 * Questions made from a collection by the offline generator (cloze questions whose answer is
 * the blanked term), each with its sentence as gold evidence. Deterministic.
 */
export async function generateQuestions(store: Store, collections: string[], options: { max?: number } = {}): Promise<ArenaQuestion[]> {
  const rows = await store.doGetChunks({ filter: { collections } });
  const sorted = rows.sort((a, b) => a.document.source.localeCompare(b.document.source) || a.chunk.ordinal - b.chunk.ordinal);
  const out: ArenaQuestion[] = [];
  for (const { chunk, document } of sorted) {
    for (const q of offlineQuestions({ chunk, document }, 2)) {
      if (q.style !== 'cloze') continue;
      const term = q.answer.slice(0, q.answer.indexOf('. The document says:'));
      out.push({
        id: stableId('arena-q', chunk.id, q.question).slice(0, 12),
        question: q.question,
        answer: term,
        evidence: [{ source: document.source, quote: q.evidence }],
        answerable: true,
        origin: 'generated:offline',
      });
    }
  }
  return options.max ? out.slice(0, options.max) : out;
}
