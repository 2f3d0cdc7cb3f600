import { analyze } from '../index/analyzer.js';
import type { ScoredSentence } from './support.js';
import { findValues, type AnswerKind, type ValueSpan } from './values.js';

/** A value a sentence states, with the sentence that states it. */
export interface StatedValue {
  text: string;
  key: string;
  sentence: ScoredSentence;
}

export interface ValueReading {
  /** The value that answers the question, when the evidence agrees on one. */
  short?: StatedValue;
  /** Two values the best evidence gives for the same thing; the answer must show both. */
  conflict?: [StatedValue, StatedValue];
}

/** Sentences this close to the best one are read as answering the same question. */
const CONTENDER_SHARE = 0.8;
const MAX_CONTENDERS = 12;
/** Two statements are about the same thing when this share of their other words match. */
const PARALLEL_SIMILARITY = 0.5;

/**
 * Reads the asked-for value (a number, date or name) out of the best evidence.
 * A conflict is two sentences that match the question equally, each stating a
 * value the other does not, where the rest of what they say mostly agrees:
 * "played in Tampa, Florida" against "played in
 * Glendale, Arizona". Values one sentence states and another merely leaves out
 * are not a conflict.
 */
export function readValues(kind: AnswerKind, question: string, questionTerms: ReadonlySet<string>, ranked: ScoredSentence[]): ValueReading {
  if (kind === 'other' || ranked.length === 0) return {};
  const best = ranked[0]!.score;
  const contenders = ranked.filter((s) => s.score >= best * CONTENDER_SHARE && s.role !== 'heading').slice(0, MAX_CONTENDERS);
  const found = new Map<ScoredSentence, ValueSpan[]>(contenders.map((s) => [s, findValues(kind, s.text, question, questionTerms)]));
  // A lone capitalised word opening a sentence ("Followers", "Tracker") is usually just capitalised
  // because it opens the sentence: it counts as a name only if the evidence also capitalises it mid-sentence.
  const midSentence = new Set([...found.values()].flat().filter((v) => v.index > 0).map((v) => v.key));
  const valuesOf = new Map<ScoredSentence, ValueSpan[]>(
    [...found].map(([s, values]) => [s, values.filter((v) => kind !== 'name' || v.index > 0 || v.text.includes(' ') || midSentence.has(v.key))]),
  );

  const conflict = findConflict(contenders, valuesOf);
  if (conflict) return { conflict };

  // The short answer: the value most of the close evidence states, earliest-ranked first on ties.
  const support = new Map<string, { weight: number; first: StatedValue }>();
  for (const sentence of contenders) {
    for (const value of valuesOf.get(sentence)!) {
      // A full name or a full date says more than one capitalised word or a bare year.
      const weight = sentence.score * (value.text.includes(' ') ? 1.25 : 1);
      const entry = support.get(value.key);
      if (entry) entry.weight += weight;
      else support.set(value.key, { weight, first: { text: value.text, key: value.key, sentence } });
    }
  }
  let short: StatedValue | undefined;
  let shortWeight = 0;
  for (const { weight, first } of support.values()) {
    if (weight > shortWeight + 1e-9) {
      short = first;
      shortWeight = weight;
    }
  }
  return short ? { short } : {};
}

function findConflict(contenders: ScoredSentence[], valuesOf: Map<ScoredSentence, ValueSpan[]>): [StatedValue, StatedValue] | undefined {
  for (let i = 0; i < contenders.length; i++) {
    for (let j = i + 1; j < contenders.length; j++) {
      const a = contenders[i]!;
      const b = contenders[j]!;
      if (a.hit === b.hit || !sameTerms(a.terms, b.terms)) continue;
      const onlyA = valuesOf.get(a)!.filter((v) => !states(b, valuesOf.get(b)!, v));
      const onlyB = valuesOf.get(b)!.filter((v) => !states(a, valuesOf.get(a)!, v));
      if (onlyA.length === 0 || onlyB.length === 0) continue;
      if (similarity(withoutValues(a, valuesOf.get(a)!), withoutValues(b, valuesOf.get(b)!)) < PARALLEL_SIMILARITY) continue;
      const va = onlyA[0]!;
      const vb = onlyB[0]!;
      // Neither value may sit beside the other anywhere in the close evidence: then they are two facts, not rivals.
      if (contenders.some((s) => states(s, valuesOf.get(s)!, va) && states(s, valuesOf.get(s)!, vb))) continue;
      return [
        { text: va.text, key: va.key, sentence: a },
        { text: vb.text, key: vb.key, sentence: b },
      ];
    }
  }
  return undefined;
}

/** Whether a sentence states this value, or a more or less precise form of it (2021 ~ 7 Feb 2021; Florida ~ Tampa, Florida). */
function states(sentence: ScoredSentence, values: ValueSpan[], value: ValueSpan): boolean {
  if (values.some((v) => compatible(v.key, value.key))) return true;
  return normalised(sentence.text).includes(normalised(value.text));
}

function compatible(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith('date-') && b.startsWith('date-')) {
    // Parts one form leaves out (the year of "September 20th") match anything.
    const [pa, pb] = [a.split('-').slice(1), b.split('-').slice(1)];
    return pa.every((part, i) => pb[i] === undefined || part === '?' || pb[i] === '?' || part === pb[i]);
  }
  if (a.startsWith('name-') && b.startsWith('name-')) return ` ${a.slice(5)} `.includes(` ${b.slice(5)} `) || ` ${b.slice(5)} `.includes(` ${a.slice(5)} `);
  return false;
}

function normalised(text: string): string {
  return ` ${text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}$%]+/gu, ' ').trim()} `;
}

function sameTerms(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((t) => b.has(t));
}

function withoutValues(sentence: ScoredSentence, values: ValueSpan[]): Set<string> {
  let text = sentence.text;
  for (const v of [...values].sort((x, y) => y.index - x.index)) text = text.slice(0, v.index) + ' ' + text.slice(v.index + v.text.length);
  return new Set(analyze(text));
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.max(a.size, b.size);
}
