import type { ChatRole } from '../../core/types.js';
import type { DatasetIssue } from '../types.js';
import { jsonErrorOffset } from './json-error.js';

export type Message = { role: ChatRole; content: string };

/** A record read from an input file, before ids and provenance are attached. */
export interface ParsedRecord {
  /** 1-based line (JSONL, CSV) or record number (JSON arrays). */
  line: number;
  messages: Message[];
  /** Alpaca's separate instruction and input, kept so an Alpaca round trip is exact. */
  alpacaPrompt?: { instruction: string; input: string };
}

export interface ParseResult {
  records: ParsedRecord[];
  issues: DatasetIssue[];
}

/** A JSON array or JSON Lines: each value with the line (JSONL) or position (array) it came from. */
export function readJsonValues(text: string, issues: DatasetIssue[]): Array<{ line: number; value: unknown }> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      const line = lineOfJsonError(trimmed, error as Error);
      issues.push({ line, problem: 'bad-json', message: `line ${line}: the file is a JSON array but does not parse: ${(error as Error).message}` });
      return [];
    }
    return (parsed as unknown[]).map((value, index) => ({ line: index + 1, value }));
  }
  const values: Array<{ line: number; value: unknown }> = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      values.push({ line: index + 1, value: JSON.parse(raw) });
    } catch (error) {
      issues.push({ line: index + 1, problem: 'bad-json', message: `line ${index + 1}: not valid JSON (${(error as Error).message})` });
    }
  });
  return values;
}

function lineOfJsonError(text: string, error: Error): number {
  const position = /position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : jsonErrorOffset(text);
  return text.slice(0, offset).split('\n').length;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape every format must end in: a user turn and a non-empty final assistant answer. */
export function checkConversation(line: number, messages: Message[], issues: DatasetIssue[]): boolean {
  if (!messages.some((m) => m.role === 'user')) {
    issues.push({ line, field: 'messages', problem: 'missing-field', message: `line ${line}: there is no user message (a question or instruction is required)` });
    return false;
  }
  const answers = messages.filter((m) => m.role === 'assistant');
  if (answers.length === 0) {
    issues.push({ line, field: 'messages', problem: 'no-answer', message: `line ${line}: there is no assistant message (the answer to learn is required)` });
    return false;
  }
  const emptyAt = answers.findIndex((m) => m.content.trim() === '');
  if (emptyAt >= 0) {
    issues.push({ line, field: 'assistant', problem: 'empty-answer', message: `line ${line}: assistant answer ${emptyAt + 1} is empty` });
    return false;
  }
  return true;
}
