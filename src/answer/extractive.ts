import type { RetrievedChunk } from '../core/types.js';
import { coverageOf, gatherEvidence, type ScoredSentence } from './support.js';

export interface ExtractiveOptions {
  /** Most sentences to compose the answer from. */
  maxSentences?: number;
  maxChars?: number;
}

export interface ExtractiveResult {
  sentences: ScoredSentence[];
  /** Weighted share of the question's terms the chosen sentences contain, 0..1. */
  support: number;
  flaggedSkipped: number;
}

/**
 * The built-in answerer: no model, so it cannot be talked into anything. It picks
 * the best-supported sentence, then adds sentences that cover question terms the
 * answer still lacks (or score nearly as well), in document order per passage.
 */
export function selectAnswerSentences(question: string, retrieved: RetrievedChunk[], options: ExtractiveOptions = {}): ExtractiveResult {
  const maxSentences = options.maxSentences ?? 3;
  const maxChars = options.maxChars ?? 700;
  const evidence = gatherEvidence(question, retrieved);
  const usable = evidence.sentences.filter((s) => !s.flagged && s.terms.size > 0);
  const flaggedSkipped = evidence.sentences.filter((s) => s.flagged).length;
  usable.sort((a, b) => b.score - a.score || a.hit - b.hit || a.start - b.start);
  const chosen: ScoredSentence[] = [];
  let chars = 0;
  for (const candidate of usable) {
    if (chosen.length >= maxSentences) break;
    if (chosen.length > 0) {
      const best = chosen[0]!;
      const addsTerms = [...candidate.terms].some((t) => !chosen.some((c) => c.terms.has(t)));
      const nearlyAsGood = candidate.score >= best.score * 0.85;
      // Another passage must earn its place more clearly than a neighbour of the best sentence.
      const sameDocument = retrieved[candidate.hit]!.document.id === retrieved[best.hit]!.document.id;
      const usefulAddition = addsTerms && candidate.score >= best.score * (sameDocument ? 0.5 : 0.75);
      if (!usefulAddition && !nearlyAsGood) continue;
      if (chars + candidate.text.length > maxChars) continue;
      if (chosen.some((c) => c.text === candidate.text)) continue;
    }
    chosen.push(candidate);
    chars += candidate.text.length;
  }
  return { sentences: chosen, support: coverageOf(evidence, chosen), flaggedSkipped };
}
