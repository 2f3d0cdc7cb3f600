import { analyze } from '../index/analyzer.js';

/** What a question asks for, when it asks for one short value. */
export type AnswerKind = 'number' | 'date' | 'name' | 'other';

/** A short value found in a sentence: its exact text, where it is, and a form to compare by. */
export interface ValueSpan {
  text: string;
  /** Offset within the sentence text. */
  index: number;
  /** Equal keys mean the same value ("Jul. 21, 2017" = "21 July 2017"; "$1.65 billion" = "US$1.65 bn"). */
  key: string;
}

const DATE_QUESTION = /^\s*(?:when|what (?:year|date|day|month)|which (?:year|date|day|month)|in (?:what|which) year)\b|\b(?:release|premiere|launch|publication|founding) date\b|\bwhat is the date\b|\bdate of\b/i;
const NUMBER_QUESTION = /\bhow (?:many|much|long|old|far|big|large|tall|high|often)\b|\bwhat (?:percentage|percent|share|amount|number|price|fee|cost|rate|revenue|salary|size)\b|\b(?:revenue|cost|price|amount) (?:of|in|for)\b|\bwhat was [^?]*\brevenue\b/i;
const NAME_QUESTION = /^\s*(?:who|whom|whose|where)\b|\b(?:which|what) (?:country|city|team|company|firm|person|movie|film|actor|actress|director|player|state|place|nation|club|author|book|song|band|party)\b|\blocation\b|\bwhat is the name\b|\bwho\b/i;

/** The kind of value a question asks for; "other" for questions a sentence answers better than a value. */
export function expectedAnswerKind(question: string): AnswerKind {
  if (DATE_QUESTION.test(question)) return 'date';
  if (NUMBER_QUESTION.test(question)) return 'number';
  if (NAME_QUESTION.test(question)) return 'name';
  return 'other';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:1[5-9]\\d\\d|20\\d\\d)';
const DATE_RE = new RegExp(
  [
    `\\b(?<m1>${MONTH})\\s+(?<d1>${DAY})(?:\\s*,?\\s*(?:of\\s+)?(?<y1>${YEAR}))?\\b`,
    `\\b(?<d2>${DAY})\\s+(?:of\\s+)?(?<m2>${MONTH}),?\\s+(?<y2>${YEAR})\\b`,
    `\\b(?<m3>${MONTH}),?\\s+(?<y3>${YEAR})\\b`,
    `\\b(?<y4>${YEAR})-(?<mn4>[01]\\d)-(?<d4>[0-3]\\d)\\b`,
    `\\b(?<y5>${YEAR})\\b`,
  ].join('|'),
  'g',
);

const SCALE: Record<string, number> = { thousand: 1e3, k: 1e3, million: 1e6, m: 1e6, mn: 1e6, billion: 1e9, bn: 1e9, b: 1e9, trillion: 1e12, tn: 1e12 };
const NUMBER_RE = /(?<cur>(?:US|USD|AU|CA)?\s?[$€£¥])?\s?(?<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?(?:\s?(?<unit>%|percent\b|per ?cent\b|[\p{L}]+))?/giu;

/** Dates in a sentence, keyed as year-month-day with whatever parts it states. */
export function findDates(text: string): ValueSpan[] {
  const out: ValueSpan[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    const g = m.groups!;
    const month = g.m1 ?? g.m2 ?? g.m3;
    const monthNumber = month ? MONTHS.indexOf(month.slice(0, 3).toLowerCase()) + 1 : g.mn4 ? Number(g.mn4) : 0;
    const day = Number.parseInt(g.d1 ?? g.d2 ?? g.d4 ?? '0', 10);
    const year = g.y1 ?? g.y2 ?? g.y3 ?? g.y4 ?? g.y5 ?? '';
    const key = ['date', year || '?', monthNumber ? String(monthNumber).padStart(2, '0') : '', day ? String(day).padStart(2, '0') : ''].filter(Boolean).join('-');
    out.push({ text: m[0].trim(), index: m.index + (m[0].length - m[0].trimStart().length), key });
  }
  return out;
}

/** Amounts and counts in a sentence; years and the parts of dates are not amounts. */
const UNITS = new Set(['day', 'dai', 'week', 'month', 'year', 'hour', 'minut', 'second', 'peopl', 'employe', 'person', 'percent', 'km', 'mile', 'kg', 'meter', 'metr', 'foot', 'feet', 'dollar', 'euro', 'pound', 'time', 'share', 'user', 'member', 'vote', 'medal', 'point', 'charact', 'page', 'item', 'unit', 'seat', 'game']);

export function findNumbers(text: string, questionTerms: ReadonlySet<string> = new Set()): ValueSpan[] {
  const dates = findDates(text).filter((d) => d.key.split('-').length > 2 || !/^\d{4}$/.test(d.text));
  const inDate = (i: number) => dates.some((d) => i >= d.index && i < d.index + d.text.length);
  const out: ValueSpan[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    const g = m.groups!;
    const numberAt = m.index + m[0].indexOf(g.num!);
    if (inDate(numberAt)) continue;
    if (!g.cur && !g.scale && /^(?:1[5-9]|20)\d\d$/.test(g.num!)) continue; // a year
    const startsAt = m.index + (m[0].length - m[0].trimStart().length);
    if (/[\p{L}\p{N}.]/u.test(text[startsAt - 1] ?? '')) continue; // part of a word ("Q3", "B12")
    const scale = g.scale ? SCALE[g.scale.toLowerCase()] ?? 1 : 1;
    const value = Number(g.num!.replace(/,/g, '')) * scale;
    const unitWord = g.unit?.toLowerCase() ?? '';
    const percent = unitWord === '%' || unitWord.startsWith('per');
    const currency = g.cur ? g.cur.replace(/\s|US|USD|AU|CA/g, '') || '$' : '';
    const key = `number-${currency}${Number(value.toPrecision(6))}${percent ? '%' : ''}`;
    let spanText = m[0];
    // A unit word stays in the span only when it names a unit, not when it is the next word of the sentence.
    const unitTerm = g.unit ? analyze(g.unit)[0] ?? '' : '';
    if (g.unit && !percent && !UNITS.has(unitTerm) && !questionTerms.has(unitTerm)) spanText = spanText.slice(0, spanText.length - g.unit.length);
    spanText = spanText.trim();
    out.push({ text: spanText, index: startsAt, key });
  }
  return out;
}

const CAPITALISED = "(?:[\\p{Lu}][\\p{L}\\p{M}'’.\\-]*[\\p{L}\\p{M}.]|[\\p{Lu}]\\.?|\\d+[\\p{L}]*)";
const NAME_RE = new RegExp(`${CAPITALISED}(?:(?:\\s+(?:of|de|da|del|der|van|von|la|le|the|and|&|di|du|bin|al)){0,2}\\s+${CAPITALISED})*`, 'gu');
/** Capitalised words that start sentences or name months/days rather than people, places or things. */
const NOT_NAMES = new Set([
  'the', 'a', 'an', 'in', 'on', 'at', 'it', 'its', 'this', 'that', 'these', 'those', 'he', 'she', 'they', 'we', 'i', 'you', 'his', 'her', 'their',
  'after', 'before', 'when', 'while', 'as', 'and', 'but', 'or', 'for', 'from', 'with', 'by', 'to', 'of', 'if', 'so', 'since', 'during', 'here', 'there',
  'what', 'who', 'which', 'where', 'how', 'why', 'official', 'find', 'see', 'view', 'get', 'read', 'home', 'news', 'list', 'results', 'winners',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

/**
 * Names in a sentence: runs of capitalised words ("Simona Halep", "Tampa, Florida",
 * "The Shape of Water"). Words the question itself contains are the subject, not
 * the answer, so a run made only of them is dropped and they are trimmed from its ends.
 */
export function findNames(text: string, questionTerms: ReadonlySet<string>): ValueSpan[] {
  const out: ValueSpan[] = [];
  let coveredUntil = 0;
  for (const m of text.matchAll(NAME_RE)) {
    if (m.index < coveredUntil) continue;
    let words = m[0].split(/\s+/);
    let index = m.index;
    // "Romania's Simona Halep": the possessor describes the name that follows it.
    const possessor = words.findLastIndex((w, i) => i < words.length - 1 && /['’]s$/.test(w));
    if (possessor >= 0) {
      for (const w of words.slice(0, possessor + 1)) index += w.length + (text.slice(index + w.length).match(/^\s+/)?.[0].length ?? 0);
      words = words.slice(possessor + 1);
    }
    const isSubject = (w: string) => {
      const terms = analyze(w);
      return terms.length === 0 || terms.every((t) => questionTerms.has(t)) || NOT_NAMES.has(w.toLowerCase().replace(/[.'’]+$/, '')) || /^\d/.test(w);
    };
    while (words.length > 0 && isSubject(words[0]!)) {
      index += words[0]!.length + (text.slice(index + words[0]!.length).match(/^\s+/)?.[0].length ?? 0);
      words = words.slice(1);
    }
    while (words.length > 0 && isSubject(words[words.length - 1]!)) words = words.slice(0, -1);
    if (words.length === 0) continue;
    let name = words.join(' ').replace(/['’]s$/, '');
    if (!/(?:^|\s)(?:\p{Lu}\.){2,}$/u.test(name)) name = name.replace(/[.,]$/, '');
    // "Tampa, Florida": a place and its region are one name.
    const region = /^,\s+([\p{Lu}][\p{L}.]+(?:\s[\p{Lu}][\p{L}.]+)?)/u.exec(text.slice(index + name.length));
    if (region && !isSubject(region[1]!)) name += region[0];
    // "Austrian author", "Colombian rider": a nationality describing someone, not the someone.
    if (!name.includes(' ') && /(?:ian|ean|ese|ish|ic)$/.test(name) && /^\s+\p{Ll}/u.test(text.slice(index + name.length))) continue;
    if (name.length < 2) continue;
    coveredUntil = index + name.length;
    out.push({ text: name, index, key: 'name-' + name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim() });
  }
  return out;
}

/** The values of the asked-for kind a sentence states, minus those the question already names. */
export function findValues(kind: AnswerKind, text: string, question: string, questionTerms: ReadonlySet<string>): ValueSpan[] {
  if (kind === 'other') return [];
  const asked = new Set((kind === 'date' ? findDates(question) : kind === 'number' ? findNumbers(question) : []).map((v) => v.key));
  const found = kind === 'date' ? findDates(text) : kind === 'number' ? findNumbers(text, questionTerms) : findNames(text, questionTerms);
  // A bare year the question already gives ("in 2021") is context, not the answer.
  return found.filter((v) => !asked.has(v.key));
}
