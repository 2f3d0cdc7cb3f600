import type { DatasetIssue } from '../types.js';
import { checkConversation, isObject, readJsonValues, type Message, type ParseResult, type ParsedRecord } from './records.js';

/** Alpaca joins instruction and input with a blank line, as LLaMA-Factory and Axolotl do. */
export function alpacaUserText(instruction: string, input: string): string {
  return input.trim() ? `${instruction}\n\n${input}` : instruction;
}

/** Stanford Alpaca: `{"instruction", "input"?, "output", "system"?, "history"?}`, as a JSON array or JSONL. */
export function parseAlpaca(text: string): ParseResult {
  const issues: DatasetIssue[] = [];
  const records: ParsedRecord[] = [];
  for (const { line, value } of readJsonValues(text, issues)) {
    if (!isObject(value)) {
      issues.push({ line, problem: 'wrong-type', message: `line ${line}: expected an object with "instruction" and "output"` });
      continue;
    }
    const bad = (field: string, optional: boolean): boolean => {
      const v = value[field];
      if (v === undefined || v === null) {
        if (optional) return false;
        issues.push({ line, field, problem: 'missing-field', message: `line ${line}: "${field}" is missing` });
        return true;
      }
      if (typeof v !== 'string') {
        issues.push({ line, field, problem: 'wrong-type', message: `line ${line}: "${field}" must be a string` });
        return true;
      }
      return false;
    };
    if ([bad('instruction', false), bad('output', false), bad('input', true), bad('system', true)].some(Boolean)) continue;
    const instruction = value.instruction as string;
    const input = (value.input as string | undefined) ?? '';
    const output = value.output as string;
    if (instruction.trim() === '') {
      issues.push({ line, field: 'instruction', problem: 'missing-field', message: `line ${line}: "instruction" is empty` });
      continue;
    }
    if (output.trim() === '') {
      issues.push({ line, field: 'output', problem: 'empty-answer', message: `line ${line}: "output" (the answer) is empty` });
      continue;
    }
    const messages: Message[] = [];
    if (typeof value.system === 'string' && value.system.trim()) messages.push({ role: 'system', content: value.system });
    const history = readHistory(line, value.history, issues);
    if (!history) continue;
    messages.push(...history);
    messages.push({ role: 'user', content: alpacaUserText(instruction, input) }, { role: 'assistant', content: output });
    if (checkConversation(line, messages, issues)) records.push({ line, messages, alpacaPrompt: { instruction, input } });
  }
  return { records, issues };
}

function readHistory(line: number, history: unknown, issues: DatasetIssue[]): Message[] | undefined {
  if (history === undefined || history === null) return [];
  const ok = Array.isArray(history) && history.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((s) => typeof s === 'string'));
  if (!ok) {
    issues.push({ line, field: 'history', problem: 'wrong-type', message: `line ${line}: "history" must be a list of [instruction, response] string pairs` });
    return undefined;
  }
  return (history as Array<[string, string]>).flatMap(([q, a]) => [
    { role: 'user' as const, content: q },
    { role: 'assistant' as const, content: a },
  ]);
}

export interface AlpacaRecord {
  instruction: string;
  input: string;
  output: string;
  system?: string;
  history?: Array<[string, string]>;
}

/** The last user/assistant pair becomes instruction/output; earlier pairs become `history`. */
export function toAlpacaRecord(example: { messages: Message[]; alpacaPrompt?: { instruction: string; input: string } }): AlpacaRecord {
  const system = example.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const turns = example.messages.filter((m) => m.role !== 'system');
  const lastAnswer = findLastIndex(turns, (m) => m.role === 'assistant');
  const lastQuestion = findLastIndex(turns.slice(0, lastAnswer), (m) => m.role === 'user');
  const history: Array<[string, string]> = [];
  for (let i = 0; i + 1 < lastQuestion; i += 2) {
    if (turns[i].role === 'user' && turns[i + 1].role === 'assistant') history.push([turns[i].content, turns[i + 1].content]);
  }
  const question = turns[lastQuestion]?.content ?? '';
  const prompt = example.alpacaPrompt && alpacaUserText(example.alpacaPrompt.instruction, example.alpacaPrompt.input) === question
    ? example.alpacaPrompt
    : { instruction: question, input: '' };
  const record: AlpacaRecord = { instruction: prompt.instruction, input: prompt.input, output: turns[lastAnswer]?.content ?? '' };
  if (system) record.system = system;
  if (history.length > 0) record.history = history;
  return record;
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}

/** A JSON array, one record per line, as Alpaca files and LLaMA-Factory expect. */
export function jsonArrayLines(records: unknown[]): string {
  if (records.length === 0) return '[]\n';
  return '[\n' + records.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
}
