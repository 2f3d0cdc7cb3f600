import { TailorError } from '../../core/errors.js';

/**
 * Fields of a chat completion request Tailor does not act on. Each is refused with
 * a 400 naming it (OpenAI's `param`) rather than dropped, so a client never
 * believes a tool was offered or a JSON format enforced when it was not.
 * A field at its no-op value (`tools: []`, `tool_choice: "none"`, `top_p: 1`,
 * `response_format: {type: "text"}`, `logprobs: false`) changes nothing and is accepted.
 */
const CHECKS: Array<{ field: string; inert: (value: unknown) => boolean; why: string }> = [
  { field: 'tools', inert: (v) => Array.isArray(v) && v.length === 0, why: 'Tailor answers from documents and calls no tools' },
  { field: 'functions', inert: (v) => Array.isArray(v) && v.length === 0, why: 'Tailor answers from documents and calls no functions' },
  { field: 'tool_choice', inert: (v) => v === 'none' || v === 'auto', why: 'Tailor calls no tools' },
  { field: 'function_call', inert: (v) => v === 'none' || v === 'auto', why: 'Tailor calls no functions' },
  { field: 'parallel_tool_calls', inert: () => true, why: '' },
  { field: 'response_format', inert: (v) => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'text', why: 'answers are text with [n] citations; structured output is not enforced' },
  { field: 'logprobs', inert: (v) => v === false, why: 'token log-probabilities are not available' },
  { field: 'top_logprobs', inert: (v) => v === 0, why: 'token log-probabilities are not available' },
  { field: 'logit_bias', inert: (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0, why: 'logit bias is not supported' },
  { field: 'top_p', inert: (v) => v === 1, why: 'nucleus sampling is not supported (use temperature)' },
  { field: 'frequency_penalty', inert: (v) => v === 0, why: 'frequency penalties are not supported' },
  { field: 'presence_penalty', inert: (v) => v === 0, why: 'presence penalties are not supported' },
  { field: 'audio', inert: () => false, why: 'audio output is not supported' },
  { field: 'modalities', inert: (v) => Array.isArray(v) && v.every((m) => m === 'text'), why: 'only text output is supported' },
  { field: 'prediction', inert: () => false, why: 'predicted outputs are not supported' },
  { field: 'web_search_options', inert: () => false, why: 'Tailor searches only its own collections' },
];

/** Fields Tailor acts on, or that change nothing about the answer (`user` names the caller for abuse tracking). */
const HONOURED = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'stop', 'seed', 'n', 'user']);

export function refuseUnsupportedFields(body: Record<string, unknown>): void {
  const checked = new Set(CHECKS.map((c) => c.field));
  const unknown = Object.keys(body).find((field) => !HONOURED.has(field) && !checked.has(field) && body[field] !== undefined && body[field] !== null);
  if (unknown) {
    throw new TailorError('INVALID_ARGUMENT', `The field "${unknown}" is not supported by this server; remove it from the request (supported: ${[...HONOURED].join(', ')}).`, { details: { param: unknown } });
  }
  for (const { field, inert, why } of CHECKS) {
    const value = body[field];
    if (value === undefined || value === null || inert(value)) continue;
    throw new TailorError('INVALID_ARGUMENT', `The field "${field}" is not supported: ${why}. Remove it from the request.`, { details: { param: field } });
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown }>) : [];
  const tool = messages.findIndex((m) => m.role === 'tool');
  if (tool >= 0) {
    throw new TailorError('INVALID_ARGUMENT', `messages[${tool}] has role "tool": Tailor calls no tools, so there are no tool results to send.`, { details: { param: `messages[${tool}].role` } });
  }
}
