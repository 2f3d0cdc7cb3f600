import { analyze } from '../index/analyzer.js';
import type { RetrievedChunk } from '../core/types.js';
import { chunkSentences, type SentenceSpan } from './sentences.js';
import { looksLikeInstruction } from './injection.js';
import { questionTerms } from './question-terms.js';

export interface ScoredSentence extends SentenceSpan {
  /** Index into the retrieved list. */
  hit: number;
  /** Query terms this sentence contains (analysed form). */
  terms: Set<string>;
  /** Query terms only its document's title or heading path contains: the sentence is about them. */
  context: Set<string>;
  score: number;
  flagged: boolean;
}

/**
 * A question term found only in the title or heading above a sentence counts for
 * this share of a term in the sentence itself: "Fiverr" in "Fiverr.txt" tells
 * whose policy a sentence states, but the sentence does not say it.
 */
const CONTEXT_SHARE = 0.75;

/** How much more a number in the question counts than a word with the same rarity. */
const PINNED_WEIGHT = 2;

export interface Evidence {
  queryTerms: string[];
  /** Weight of each query term: rarer across the retrieved passages = more telling. */
  termWeights: Map<string, number>;
  sentences: ScoredSentence[];
}

/**
 * Scores every sentence of the retrieved passages against the question. Term
 * weights are an IDF over the retrieved sentences, so a term every passage
 * shares (the topic) counts less than the one that pins the answer down.
 */
export function gatherEvidence(question: string, retrieved: RetrievedChunk[]): Evidence {
  const queryTerms = questionTerms(question);
  const sentences: ScoredSentence[] = [];
  retrieved.forEach((hit, index) => {
    const flagged = looksLikeInstruction(hit.chunk.text);
    const heading = new Set(analyze([hit.document.title, ...hit.chunk.headingPath].join('\n')));
    for (const span of chunkSentences(hit.chunk)) {
      const tokens = new Set(analyze(span.text));
      const terms = new Set(queryTerms.filter((t) => tokens.has(t)));
      const context = new Set(queryTerms.filter((t) => !terms.has(t) && heading.has(t)));
      sentences.push({ ...span, hit: index, terms, context, score: 0, flagged }); // a flagged passage is not quoted at all: its other sentences carry the same payload
    }
  });
  const termWeights = new Map<string, number>();
  const n = Math.max(1, sentences.length);
  for (const term of queryTerms) {
    const df = sentences.reduce((count, s) => count + (s.terms.has(term) ? 1 : 0), 0);
    // A number in the question (a year, a season) pins down which fact it means.
    termWeights.set(term, (Math.log(1 + n / (1 + df)) + 0.5) * (/^\d+$/.test(term) ? PINNED_WEIGHT : 1));
  }
  const totalWeight = sum(queryTerms.map((t) => termWeights.get(t)!));
  for (const sentence of sentences) {
    const matched = sum([...sentence.terms].map((t) => termWeights.get(t)!)) + CONTEXT_SHARE * sum([...sentence.context].map((t) => termWeights.get(t)!));
    const coverage = totalWeight > 0 ? matched / totalWeight : 0;
    // Earlier-ranked passages win ties; long sentences are not rewarded for length.
    const rankPrior = 0.1 / (1 + sentence.hit);
    sentence.score = coverage + rankPrior;
  }
  return { queryTerms, termWeights, sentences };
}

/** Share of the question's (weighted) terms that the given sentences contain. */
export function coverageOf(evidence: Evidence, chosen: ScoredSentence[]): number {
  const total = sum(evidence.queryTerms.map((t) => evidence.termWeights.get(t)!));
  if (total === 0) return 0;
  const covered = new Set(chosen.flatMap((s) => [...s.terms]));
  const contextOnly = new Set(chosen.flatMap((s) => [...s.context]).filter((t) => !covered.has(t)));
  const weight = (terms: Set<string>) => sum([...terms].map((t) => evidence.termWeights.get(t)!));
  return (weight(covered) + CONTEXT_SHARE * weight(contextOnly)) / total;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
