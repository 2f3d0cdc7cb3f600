import type { ChatRole } from '../../core/types.js';
import type { DatasetIssue } from '../types.js';
import { checkConversation, isObject, readJsonValues, type Message, type ParseResult } from './records.js';

const FROM_ROLE: Record<string, ChatRole> = {
  system: 'system',
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
};

const ROLE_FROM: Record<ChatRole, string> = { system: 'system', user: 'human', assistant: 'gpt' };

/** ShareGPT: `{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}], "system"?}`. */
export function parseShareGpt(text: string): ParseResult {
  const issues: DatasetIssue[] = [];
  const records: ParseResult['records'] = [];
  for (const { line, value } of readJsonValues(text, issues)) {
    if (!isObject(value) || !Array.isArray(value.conversations)) {
      issues.push({ line, field: 'conversations', problem: 'missing-field', message: `line ${line}: expected an object with a "conversations" array` });
      continue;
    }
    const messages: Message[] = [];
    if (typeof value.system === 'string' && value.system.trim()) messages.push({ role: 'system', content: value.system });
    let ok = true;
    value.conversations.forEach((turn: unknown, index: number) => {
      if (!ok) return;
      if (!isObject(turn) || typeof turn.from !== 'string' || typeof turn.value !== 'string') {
        issues.push({ line, field: `conversations[${index}]`, problem: 'missing-field', message: `line ${line}: turn ${index + 1} needs string "from" and "value"` });
        ok = false;
        return;
      }
      const role = FROM_ROLE[turn.from.toLowerCase()];
      if (!role) {
        issues.push({ line, field: `conversations[${index}].from`, problem: 'bad-role', message: `line ${line}: turn ${index + 1} is from "${turn.from}"; use human, gpt or system` });
        ok = false;
        return;
      }
      messages.push({ role, content: turn.value });
    });
    if (ok && checkConversation(line, messages, issues)) records.push({ line, messages });
  }
  return { records, issues };
}

export function toShareGptRecord(example: { messages: Message[] }): { conversations: Array<{ from: string; value: string }>; system?: string } {
  const system = example.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const conversations = example.messages.filter((m) => m.role !== 'system').map((m) => ({ from: ROLE_FROM[m.role], value: m.content }));
  return system ? { conversations, system } : { conversations };
}
