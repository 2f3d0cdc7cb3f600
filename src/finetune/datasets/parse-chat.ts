import type { ChatRole } from '../../core/types.js';
import type { DatasetIssue } from '../types.js';
import { checkConversation, isObject, readJsonValues, type Message, type ParseResult } from './records.js';

const ROLES = new Set<ChatRole>(['system', 'user', 'assistant']);

/** OpenAI chat fine-tuning format: `{"messages": [{"role": ..., "content": ...}]}` per line. */
export function parseChat(text: string): ParseResult {
  const issues: DatasetIssue[] = [];
  const records: ParseResult['records'] = [];
  for (const { line, value } of readJsonValues(text, issues)) {
    if (!isObject(value) || !Array.isArray(value.messages)) {
      issues.push({ line, field: 'messages', problem: 'missing-field', message: `line ${line}: expected an object with a "messages" array` });
      continue;
    }
    const messages: Message[] = [];
    let ok = true;
    value.messages.forEach((m: unknown, index: number) => {
      if (!ok) return;
      if (!isObject(m) || typeof m.role !== 'string') {
        issues.push({ line, field: `messages[${index}].role`, problem: 'missing-field', message: `line ${line}: message ${index + 1} has no "role"` });
        ok = false;
        return;
      }
      if (!ROLES.has(m.role as ChatRole)) {
        issues.push({ line, field: `messages[${index}].role`, problem: 'bad-role', message: `line ${line}: message ${index + 1} has role "${m.role}"; use system, user or assistant` });
        ok = false;
        return;
      }
      if (typeof m.content !== 'string') {
        issues.push({ line, field: `messages[${index}].content`, problem: m.content === undefined ? 'missing-field' : 'wrong-type', message: `line ${line}: message ${index + 1} needs a string "content"` });
        ok = false;
        return;
      }
      messages.push({ role: m.role as ChatRole, content: m.content });
    });
    if (ok && checkConversation(line, messages, issues)) records.push({ line, messages });
  }
  return { records, issues };
}

export function serializeChat(examples: Array<{ messages: Message[] }>): string {
  return examples.map((e) => JSON.stringify({ messages: e.messages })).join('\n') + (examples.length > 0 ? '\n' : '');
}
