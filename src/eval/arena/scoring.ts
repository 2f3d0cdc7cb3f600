import type { RawAnswer } from './run-arm.js';
import type { ArenaQuestion, ArmAnswer } from './types.js';

/**
 * Answer scores that need no model. Normalisation is SQuAD's (lower case, punctuation and
 * the articles a/an/the removed, whitespace collapsed), so EM and F1 mean what they mean in
 * the literature.
 */

export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/\[\d+\]/g, ' ')
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function tokens(text: string): string[] {
  const n = normalizeAnswer(text);
  return n ? n.split(' ') : [];
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** SQuAD token F1: overlap counted with multiplicity. */
export function tokenF1(prediction: string, gold: string): number {
  const p = tokens(prediction);
  const g = tokens(gold);
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of g) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** 1 when the normalised gold answer appears, on word boundaries, inside the normalised prediction. */
export function containment(prediction: string, gold: string): number {
  const g = normalizeAnswer(gold);
  if (!g) return 0;
  return ` ${normalizeAnswer(prediction)} `.includes(` ${g} `) ? 1 : 0;
}

const REFUSAL_PATTERNS = [
  /\bi (?:do not|don't|cannot|can't) (?:know|answer|find)\b/i,
  /\b(?:do|does) not contain (?:the|an|this) answer\b/i,
  /\bnot (?:in|covered by) the (?:documents|sources|provided)\b/i,
  /\bno (?:information|answer) (?:about|on|in|for)\b/i,
  /\bunable to answer\b/i,
];

/** Whether free text (from an arm without Tailor's own refusal signal) declines to answer. */
export function looksLikeRefusal(text: string): boolean {
  const head = text.slice(0, 200);
  return REFUSAL_PATTERNS.some((p) => p.test(head));
}

/** Content words (length ≥ 3, not a stop word), for support checks. */
const STOP = new Set('the and for are was were with that this from have has had not but its into their there which what when where who whom how been also than then them they will would could should about over under only'.split(' '));
function contentWords(text: string): string[] {
  return tokens(text).filter((t) => (t.length >= 3 || /\d/.test(t)) && !STOP.has(t));
}

/** Splits an answer into sentences (at . ! ? followed by space and a capital or digit, or a newline). */
export function answerSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\d"“(])|\n+/u)
    .map((s) => s.trim())
    .filter((s) => contentWords(s).length > 0);
}

/**
 * Share of answer sentences whose content words are at least 60% present in the passages the
 * answer cites. An answer with no citations supports nothing: 0.
 */
export function groundedness(answer: string, citedPassages: string[]): number {
  const sentences = answerSentences(answer);
  if (sentences.length === 0) return 0;
  if (citedPassages.length === 0) return 0;
  const cited = new Set(citedPassages.flatMap(contentWords));
  const supported = sentences.filter((s) => {
    const words = contentWords(s);
    return words.filter((w) => cited.has(w)).length / words.length >= 0.6;
  });
  return supported.length / sentences.length;
}

export interface Span {
  source: string;
  start: number;
  end: number;
}

/** A citation source (an absolute path or URL) matches gold evidence naming the same file or a path ending in it. */
export function sameSource(cited: string, gold: string): boolean {
  if (cited === gold) return true;
  const c = cited.replace(/\\/g, '/');
  const g = gold.replace(/\\/g, '/').replace(/^\.\//, '');
  return c.endsWith(`/${g}`);
}

function overlaps(a: Span, b: Span): boolean {
  return sameSource(a.source, b.source) && a.start < b.end && b.start < a.end;
}

/**
 * Citation precision (cited spans overlapping some gold span / cited spans) and recall (gold
 * spans overlapped by some citation / gold spans), by character-span overlap in the same document.
 */
export function citationScores(citations: Span[], gold: Span[]): { precision: number | null; recall: number | null } {
  if (gold.length === 0) return { precision: null, recall: null };
  const precision = citations.length === 0 ? null : citations.filter((c) => gold.some((g) => overlaps(c, g))).length / citations.length;
  const recall = gold.filter((g) => citations.some((c) => overlaps(c, g))).length / gold.length;
  return { precision, recall };
}

/** Scores one answer; citation scores apply only to arms that retrieve (others cannot cite). */
export function scoreAnswer(q: ArenaQuestion, raw: RawAnswer, gold: Span[], retrieves = true): ArmAnswer {
  const cited = retrieves ? citationScores(raw.citations, gold) : { precision: null, recall: null };
  const answered = q.answerable && !raw.refused;
  return {
    text: raw.text,
    refused: raw.refused,
    citations: raw.citations.map(({ n, source, start, end, quote }) => ({ n, source, start, end, quote })),
    latencyMs: raw.latencyMs,
    f1: q.answerable ? tokenF1(raw.text, q.answer) : 0,
    exactMatch: q.answerable ? exactMatch(raw.text, q.answer) : 0,
    containment: answered ? containment(raw.text, q.answer) : 0,
    tokensIn: raw.tokensIn,
    tokensOut: raw.tokensOut,
    groundedness: raw.refused ? null : groundedness(raw.text, raw.citations.map((c) => c.passage || c.quote)),
    citationPrecision: cited.precision,
    citationRecall: q.answerable ? cited.recall : null,
  };
}
