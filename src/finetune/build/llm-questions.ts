import type { ChatModel } from '../../providers/types.js';
import type { GeneratedQuestion, SourceChunk } from './questions.js';

const SYSTEM = [
  'You write question-answer pairs for fine-tuning a model on an organisation\'s documents.',
  'Every question must be answerable from the passage alone; every answer must be supported by it.',
  'Reply with JSON only: an array of objects with string fields "question", "answer" and "evidence"',
  '(evidence: the exact sentence of the passage the answer rests on).',
].join(' ');

export function questionPrompt(source: SourceChunk, count: number) {
  const heading = source.chunk.headingPath.length > 0 ? `Section: ${source.chunk.headingPath.join(' > ')}\n` : '';
  return [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: `Document: ${source.document.title}\n${heading}\nPassage:\n${source.chunk.text}\n\nWrite ${count} question-answer pairs.` },
  ];
}

/** Pulls the first JSON array out of a reply (models wrap JSON in prose or code fences). */
export function parseQuestionReply(text: string): Array<{ question: string; answer: string; evidence?: string }> | undefined {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start < 0 || end <= start) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const pairs = parsed.filter(
    (p): p is { question: string; answer: string; evidence?: string } =>
      typeof p === 'object' && p !== null && typeof p.question === 'string' && typeof p.answer === 'string' && p.question.trim() !== '' && p.answer.trim() !== '',
  );
  return pairs.length > 0 ? pairs : undefined;
}

/** Asks the model for pairs; undefined when its reply is unusable (the caller falls back). */
export async function llmQuestions(
  model: ChatModel,
  source: SourceChunk,
  options: { perChunk: number; seed?: number; abortSignal?: AbortSignal },
): Promise<GeneratedQuestion[] | undefined> {
  const reply = await model.doGenerate({ messages: questionPrompt(source, options.perChunk), temperature: 0, seed: options.seed, maxTokens: 200 * options.perChunk + 100, abortSignal: options.abortSignal });
  const pairs = parseQuestionReply(reply.result.text);
  if (!pairs) return undefined;
  return pairs.slice(0, options.perChunk).map((p) => ({
    question: p.question.trim(),
    answer: p.answer.trim(),
    evidence: p.evidence?.trim() && source.chunk.text.includes(p.evidence.trim()) ? p.evidence.trim() : p.answer.trim(),
    style: 'llm' as const,
    source,
  }));
}
