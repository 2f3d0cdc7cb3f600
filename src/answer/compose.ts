import type { AnswerConflict, Citation, RetrievedChunk } from '../core/types.js';
import { citationFor } from './cite.js';
import type { ExtractiveResult } from './extractive.js';
import { sanitizeAnswerText } from './sanitize.js';

export interface ComposedAnswer {
  /** The answer in the order it reads; each part is streamed as soon as it is composed. */
  parts: string[];
  citations: Citation[];
  shortAnswer?: { text: string; citation: number };
  conflicts?: AnswerConflict[];
}

/**
 * The extractive answer as prose: the short value first when there is one, then
 * the sentence stating it; when the evidence disagrees, both values, each with
 * the sentence and citation it comes from, and no pick between them.
 */
export function composeExtractive(result: ExtractiveResult, retrieved: RetrievedChunk[]): ComposedAnswer {
  const citations: Citation[] = result.sentences.map((s, i) => citationFor(i + 1, retrieved[s.hit]!, s));
  // The quote keeps the source's line breaks (it is an exact slice); the answer reads as prose.
  // Markup, role tokens and the document's own [n] markers stay in the exact quote, never in the answer.
  const sentences = citations.map((c) => `${sanitizeAnswerText(c.quote.replace(/\s+/g, ' ').trim())} [${c.n}]`);
  if (result.conflict && result.kind !== 'other') {
    const [a, b] = result.conflict.map((v) => ({ ...v, text: sanitizeAnswerText(v.text) }));
    return {
      parts: [`The sources disagree: ${a.text} [1] or ${b.text} [2].`, ...sentences],
      citations,
      conflicts: [{ kind: result.kind, values: [{ value: a.text, citations: [1] }, { value: b.text, citations: [2] }] }],
    };
  }
  if (result.short) {
    const short = sanitizeAnswerText(result.short.text);
    return { parts: [`${short}.`, ...sentences], citations, shortAnswer: { text: short, citation: 1 } };
  }
  return { parts: sentences, citations };
}
