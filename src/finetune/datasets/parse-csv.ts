import { parse } from 'csv-parse/sync';
import { TailorError } from '../../core/errors.js';
import type { DatasetIssue } from '../types.js';
import { checkConversation, type Message, type ParseResult } from './records.js';

/** Which CSV columns hold the question, the answer and (optionally) a system prompt and extra input. */
export interface CsvColumns {
  question: string;
  answer: string;
  system?: string;
  input?: string;
}

const KEY_ALIASES: Record<string, keyof CsvColumns> = {
  q: 'question', question: 'question', prompt: 'question', instruction: 'question',
  a: 'answer', answer: 'answer', response: 'answer', output: 'answer', completion: 'answer',
  s: 'system', system: 'system',
  i: 'input', input: 'input', context: 'input',
};

/** `q=question,a=answer[,s=system][,i=input]` → a column mapping. */
export function parseCsvColumns(spec: string): CsvColumns {
  const mapping: Partial<CsvColumns> = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = KEY_ALIASES[part.slice(0, eq).trim().toLowerCase()];
    const column = part.slice(eq + 1).trim();
    if (eq <= 0 || !key || !column) {
      throw new TailorError('INVALID_ARGUMENT', `Bad column mapping "${part}" in "${spec}": use q=<question column>,a=<answer column>[,s=<system column>][,i=<input column>].`);
    }
    mapping[key] = column;
  }
  if (!mapping.question || !mapping.answer) {
    throw new TailorError('INVALID_ARGUMENT', `The column mapping "${spec}" must name both the question (q=...) and the answer (a=...) columns.`);
  }
  return mapping as CsvColumns;
}

const GUESS: Record<'question' | 'answer', string[]> = {
  question: ['question', 'prompt', 'instruction', 'query', 'q'],
  answer: ['answer', 'response', 'output', 'completion', 'expected completion', 'a'],
};

function guessColumns(header: string[]): CsvColumns | undefined {
  const find = (names: string[]) => header.find((h) => names.includes(h.trim().toLowerCase()));
  const question = find(GUESS.question);
  const answer = find(GUESS.answer);
  return question && answer ? { question, answer, system: find(['system']) } : undefined;
}

/** CSV with a header row; `columns` says which columns to use (guessed from common names when absent). */
export function parseCsv(text: string, columns?: CsvColumns): ParseResult {
  const issues: DatasetIssue[] = [];
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let header: string[] = [];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), {
      columns: (h: string[]) => (header = h.map((c) => c.trim())),
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    issues.push({ line, problem: 'bad-json', message: `line ${line}: the CSV does not parse: ${(error as Error).message}` });
    return { records: [], issues };
  }
  const mapping = columns ?? guessColumns(header);
  if (!mapping) {
    throw new TailorError('INVALID_ARGUMENT', `Cannot tell which CSV columns hold the question and the answer (columns: ${header.join(', ')}). Pass --columns q=<question column>,a=<answer column>.`);
  }
  for (const column of [mapping.question, mapping.answer, mapping.system, mapping.input]) {
    if (column && !header.includes(column)) {
      throw new TailorError('INVALID_ARGUMENT', `The CSV has no column "${column}" (columns: ${header.join(', ')}). Fix --columns.`);
    }
  }
  const records: ParseResult['records'] = [];
  for (const { record, info } of rows) {
    const line = info.lines;
    const question = record[mapping.question] ?? '';
    const answer = record[mapping.answer];
    if (question.trim() === '') {
      issues.push({ line, field: mapping.question, problem: 'missing-field', message: `line ${line}: the question column "${mapping.question}" is empty` });
      continue;
    }
    if (answer === undefined || answer.trim() === '') {
      issues.push({ line, field: mapping.answer, problem: 'empty-answer', message: `line ${line}: the answer column "${mapping.answer}" is empty` });
      continue;
    }
    const messages: Message[] = [];
    const system = mapping.system ? record[mapping.system] : undefined;
    if (system?.trim()) messages.push({ role: 'system', content: system });
    const input = mapping.input ? record[mapping.input] : undefined;
    messages.push({ role: 'user', content: input?.trim() ? `${question}\n\n${input}` : question }, { role: 'assistant', content: answer });
    if (checkConversation(line, messages, issues)) records.push({ line, messages });
  }
  return { records, issues };
}

/** Single-turn CSV (system, question, answer); earlier turns of multi-turn examples are reported as dropped. */
export function serializeCsv(examples: Array<{ messages: Message[] }>): { text: string; warnings: string[] } {
  let multiTurn = 0;
  const rows = examples.map((e) => {
    const system = e.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const users = e.messages.filter((m) => m.role === 'user');
    const answers = e.messages.filter((m) => m.role === 'assistant');
    if (users.length > 1 || answers.length > 1) multiTurn++;
    return [system, users.at(-1)?.content ?? '', answers.at(-1)?.content ?? ''];
  });
  const warnings = multiTurn > 0 ? [`${multiTurn} multi-turn example(s) were reduced to their last question and answer: CSV holds one turn per row.`] : [];
  const text = [['system', 'question', 'answer'], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return { text, warnings };
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
