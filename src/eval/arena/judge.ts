import { TailorError, isTailorError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/types.js';
import type { ChatModel } from '../../providers/types.js';

/** The judge's instructions; stored verbatim in every report that used a judge. */
export const JUDGE_PROMPT = [
  'You grade answers to questions against a reference answer.',
  'Reply with exactly one word: CORRECT if the candidate answer states the same fact as the reference',
  '(wording, extra correct detail and citations like [1] do not matter), otherwise INCORRECT.',
  'A candidate that declines to answer is INCORRECT unless the reference says the question cannot be answered.',
].join(' ');

export function judgeMessages(question: string, gold: string, answer: string): ChatMessage[] {
  return [
    { role: 'system', content: JUDGE_PROMPT },
    { role: 'user', content: `Question: ${question}\nReference answer: ${gold || '(the documents do not answer this question)'}\nCandidate answer: ${answer}\n\nGrade:` },
  ];
}

/** 1 for CORRECT, 0 for INCORRECT; undefined when the reply is neither. */
export function parseVerdict(text: string): number | undefined {
  const t = text.trim().toUpperCase();
  if (/^\W*INCORRECT\b/.test(t)) return 0;
  if (/^\W*CORRECT\b/.test(t)) return 1;
  if (/\bINCORRECT\b/.test(t)) return 0;
  if (/\bCORRECT\b/.test(t)) return 1;
  return undefined;
}

/**
 * Asks the judge once per answer, with a time limit: a judge that does not reply in time
 * stops the run with an error naming the judge and the question (the answers so far are kept).
 */
export async function judgeAnswer(judge: ChatModel, spec: string, input: { id: string; question: string; gold: string; answer: string }, options: { timeoutMs: number; abortSignal?: AbortSignal }): Promise<number | null> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, timeout]) : timeout;
  try {
    const reply = await judge.doGenerate({ messages: judgeMessages(input.question, input.gold, input.answer), maxTokens: 8, temperature: 0, abortSignal: signal });
    return parseVerdict(reply.result.text) ?? null;
  } catch (cause) {
    if (timeout.aborted && !options.abortSignal?.aborted) {
      throw new TailorError('PROVIDER_UNAVAILABLE', `The judge ${spec} gave no verdict within ${(options.timeoutMs / 1000).toFixed(options.timeoutMs < 10_000 ? 1 : 0)} s (question ${input.id}). Check that it is running, raise --judge-timeout, or leave out --judge; then resume the run with --resume.`, { cause, details: { judge: spec, question: input.id } });
    }
    if (isTailorError(cause)) throw new TailorError(cause.code, `The judge ${spec} failed on question ${input.id}: ${cause.message}`, { cause, details: { judge: spec, question: input.id } });
    throw cause;
  }
}
