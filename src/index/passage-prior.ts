/**
 * How much a passage's form says it can answer anything.
 *
 * BM25 favours short passages (length normalisation) and passages dense in the query's words. Two kinds
 * of chunk win that way without answering: a chunk that is only headings ("## Capital expenditure"),
 * and a reference list, whose entries are titles packed with topic words. Both are real text the user
 * may want to see, so they are not dropped: their fused score is scaled down so prose on the same
 * subject ranks first, while they still surface when nothing else matches.
 */
export type PassageKind = 'prose' | 'heading-only' | 'reference-list';

/**
 * BM25 (k1 1.2, b 0.75) lets a term in a near-empty chunk count up to 1.7 times what it counts in an
 * average-length chunk, and twice what it counts in one half again as long: 0.5 cancels that, and a
 * heading-only chunk, which cannot answer anything, gets half of that again. A reference list is long
 * but dense in topic words; 0.5 makes it need twice the evidence prose needs.
 */
export const PASSAGE_PRIOR: Readonly<Record<PassageKind, number>> = { prose: 1, 'heading-only': 0.25, 'reference-list': 0.5 };

const MARKDOWN_HEADING = /^\s{0,3}#{1,6}\s+\S/;
const YEAR = /\b(?:19|20)\d{2}[a-z]?\b/;
/** Marks of a bibliography entry besides its year: et al., DOI, volume(issue):pages, "Smith J," / "Smith, J.", a leading [n] or n. */
const CITATION_MARKS = [
  /\bet al\b/i,
  /\bdoi\b|\b10\.\d{4,9}\//i,
  /\d+\s*\(\d+\)\s*[:,]\s*\d+/,
  /;\s*\d+\s*[:(]\s*\d+/,
  /\b\p{Lu}[\p{Ll}'-]+,?\s+\p{Lu}{1,2}\.?(?:,|\s|$)/u,
  /^\s*\[?\d{1,3}[\].]\s/,
];
const SENTENCE_END = /[.!?:;]["')\]]?\s*$/;

function isCitation(line: string): boolean {
  if (!YEAR.test(line)) return false;
  let marks = 0;
  for (const mark of CITATION_MARKS) if (mark.test(line)) marks++;
  return marks >= 2;
}

export function passageKind(text: string): PassageKind {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  if (lines.length === 0) return 'prose';
  if (lines.every((line) => MARKDOWN_HEADING.test(line))) return 'heading-only';
  // A lone title line: few words, no digits (a table row or a date is data), no sentence ending.
  if (lines.length <= 2 && text.split(/\s+/).length <= 12 && !/\d/.test(text) && !SENTENCE_END.test(text)) return 'heading-only';
  const entries = lines.filter((line) => !MARKDOWN_HEADING.test(line));
  if (entries.length >= 3 && entries.filter(isCitation).length >= 0.6 * entries.length) return 'reference-list';
  return 'prose';
}

/** Kinds as one byte per chunk, for indexes that keep them beside their postings (bm25.ts). */
export const PASSAGE_KINDS: readonly PassageKind[] = ['prose', 'heading-only', 'reference-list'];

export function passageCode(text: string): number {
  return PASSAGE_KINDS.indexOf(passageKind(text));
}

export function priorOfCode(code: number): number {
  return PASSAGE_PRIOR[PASSAGE_KINDS[code] ?? 'prose'];
}
