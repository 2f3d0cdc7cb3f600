import type { ChatMessage } from '../../core/types.js';

const ROLE_LABEL = { system: 'System', user: 'User', assistant: 'Assistant' } as const;

/**
 * The plain chat format for models without a chat template: one "Role: content" line
 * per message, ending with "Assistant:". Tailor's local LoRA trainer trains in this
 * format, so an adapter it made is prompted the way it learned.
 */
export function formatTranscript(messages: ReadonlyArray<Pick<ChatMessage, 'role' | 'content'>>): string {
  return messages.map((m) => `${ROLE_LABEL[m.role]}: ${m.content}\n`).join('') + 'Assistant:';
}

/** Where a transcript answer ends: the model starts the next turn. */
export const TRANSCRIPT_STOPS = ['\nUser:', '\nSystem:', '\nAssistant:'];
