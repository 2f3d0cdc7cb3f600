import type { RetrievedChunk } from '../core/types.js';
import { coverageOf, gatherEvidence, type Evidence, type ScoredSentence } from './support.js';
import { expectedAnswerKind, findValues, type AnswerKind } from './values.js';
import { readValues, type StatedValue } from './read-values.js';
import { subjectTerms } from './question-terms.js';

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
  kind: AnswerKind;
  /** The value that answers the question, stated by `sentences[0]`. */
  short?: StatedValue;
  /** Two values the evidence gives for the same thing, stated by `sentences[0]` and `sentences[1]`. */
  conflict?: [StatedValue, StatedValue];
  /** Names the question asks about that no retrieved passage mentions. */
  unknownSubjects: string[];
}

/**
 * A question asking for a number, date or name whose chosen evidence states none
 * keeps this share of its support: the words matched, the answer did not.
 */
export const MISSING_VALUE_SHARE = 0.7;

const LEAD_IN = /:\s*$|\b(?:the following|as follows|listed below|these rules|take a look at)\b/i;

/**
 * The built-in answerer: no model, so it cannot be talked into anything. It picks
 * the best-supported sentence, then adds sentences that cover question terms the
 * answer still lacks (or score nearly as well), in document order per passage.
 * Headings are never an answer; a lead-in answers together with the list it introduces.
 */
export function selectAnswerSentences(question: string, retrieved: RetrievedChunk[], options: ExtractiveOptions = {}): ExtractiveResult {
  const maxSentences = options.maxSentences ?? 3;
  const maxChars = options.maxChars ?? 700;
  const evidence = gatherEvidence(question, retrieved);
  const kind = expectedAnswerKind(question);
  const flaggedSkipped = evidence.sentences.filter((s) => s.flagged).length;
  const subjects = subjectTerms(question);
  const mentioned = subjects.filter((t) => evidence.sentences.some((s) => s.terms.has(t) || s.context.has(t)));
  const unknownSubjects = subjects.filter((t) => !mentioned.includes(t));
  const onSubject = (s: ScoredSentence) => mentioned.length === 0 || mentioned.some((t) => s.terms.has(t) || s.context.has(t));

  const usable = evidence.sentences
    .map((s, i) => (s.role === 'text' && LEAD_IN.test(s.text) ? withList(evidence, i, retrieved) : s))
    .filter((s): s is ScoredSentence => s !== undefined && !s.flagged && s.terms.size > 0 && s.role !== 'heading' && onSubject(s));
  usable.sort((a, b) => b.score - a.score || a.hit - b.hit || a.start - b.start);

  const questionTermSet = new Set(evidence.queryTerms);
  const reading = readValues(kind, question, questionTermSet, usable);
  const chosen: ScoredSentence[] = [];
  if (reading.conflict) chosen.push(reading.conflict[0].sentence, reading.conflict[1].sentence);
  else if (reading.short) chosen.push(reading.short.sentence);
  let chars = chosen.reduce((n, s) => n + s.text.length, 0);
  // A short answer with its sentence, or two rival values with theirs, is the whole answer.
  const room = reading.conflict || reading.short ? 0 : maxSentences;
  for (const candidate of usable) {
    if (chosen.length >= room) break;
    if (chosen.length > 0) {
      const best = chosen[0]!;
      const addsTerms = [...candidate.terms].some((t) => !chosen.some((c) => c.terms.has(t)));
      const nearlyAsGood = candidate.score >= best.score * 0.85;
      // Another passage must earn its place more clearly than a neighbour of the best sentence,
      // and must stay on the best sentence's subject: sharing one stray word is not enough.
      const sameDocument = retrieved[candidate.hit]!.document.id === retrieved[best.hit]!.document.id;
      const sharesSubject = sameDocument || [...candidate.terms].some((t) => best.terms.has(t));
      const usefulAddition = addsTerms && sharesSubject && candidate.score >= best.score * (sameDocument ? 0.5 : 0.75);
      if (!usefulAddition && !(nearlyAsGood && sharesSubject)) continue;
      if (chars + candidate.text.length > maxChars) continue;
      if (chosen.some((c) => c.text === candidate.text || overlaps(c, candidate))) continue;
    }
    chosen.push(candidate);
    chars += candidate.text.length;
  }

  let support = coverageOf(evidence, chosen);
  const statesValue = chosen.some((s) => findValues(kind, s.text, question, questionTermSet).length > 0);
  if (kind !== 'other' && !statesValue) support *= MISSING_VALUE_SHARE;
  // Numbers the question gives (a year, an edition, a season) pin down which fact it means:
  // evidence about another year is about something else.
  const pinned = evidence.queryTerms.filter((t) => /^\d+$/.test(t));
  const coveredPins = pinned.filter((t) => chosen.some((s) => s.terms.has(t) || s.context.has(t))).length;
  if (pinned.length > 0) support *= (coveredPins + 1) / (pinned.length + 1);
  // Nothing retrieved mentions any thing the question names: the corpus does not know it.
  if (subjects.length > 0 && mentioned.length === 0) support = 0;
  return { sentences: chosen, support, flaggedSkipped, kind, short: reading.short, conflict: reading.conflict, unknownSubjects };
}

/**
 * A lead-in ("Here are the rules:") joined with the list items after it, as one
 * span of the document; without a list after it, a lead-in says nothing and is dropped.
 */
function withList(evidence: Evidence, index: number, retrieved: RetrievedChunk[]): ScoredSentence | undefined {
  const lead = evidence.sentences[index]!;
  const items: ScoredSentence[] = [];
  let skipped = 0;
  for (let j = index + 1; j < evidence.sentences.length; j++) {
    const next = evidence.sentences[j]!;
    if (next.hit !== lead.hit) break;
    if (next.role === 'item') items.push(next);
    else if (items.length > 0) break;
    else if (next.role === 'text' && ++skipped <= 2) continue;
    else break;
    if (items.length >= 8) break;
  }
  if (items.length === 0) return undefined;
  const chunk = retrieved[lead.hit]!.chunk;
  const last = items[items.length - 1]!;
  const text = chunk.text.slice(lead.start - chunk.start, last.end - chunk.start);
  const terms = new Set([lead, ...items].flatMap((s) => [...s.terms]));
  const context = new Set([...lead.context].filter((t) => !terms.has(t)));
  // The block answers as well as its best part does, plus what the list adds.
  const gain = (terms.size - lead.terms.size) * 0.05;
  const score = Math.max(lead.score, ...items.map((s) => s.score)) + gain;
  return { ...lead, end: last.end, text, terms, context, score, role: 'text' };
}

function overlaps(a: ScoredSentence, b: ScoredSentence): boolean {
  return a.hit === b.hit && a.start < b.end && b.start < a.end;
}
