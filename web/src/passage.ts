/** Pure helpers for showing a character span of a document's text. */
import type { PageSpan } from './types.js';

/** The page holding character `offset`, or undefined for unpaged documents. */
export function pageOf(pages: PageSpan[] | undefined, offset: number): PageSpan | undefined {
  if (!pages || pages.length === 0) return undefined;
  return pages.find((p) => offset >= p.start && offset < p.end) ?? pages.findLast((p) => p.start <= offset);
}

/**
 * Splits `text` (which starts at `textOffset` in the document) into the parts before,
 * inside and after the document span [start, end), clipped to the text.
 */
export function splitAround(text: string, textOffset: number, start: number, end: number): [string, string, string] {
  const from = Math.min(Math.max(start - textOffset, 0), text.length);
  const to = Math.min(Math.max(end - textOffset, from), text.length);
  return [text.slice(0, from), text.slice(from, to), text.slice(to)];
}

/** Query terms worth highlighting in search results (words of 2+ letters, longest first). */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

/** Ranges in `text` where any of `terms` starts a word (case-insensitive, prefix match catches plurals). */
export function termRanges(text: string, terms: string[]): Array<[number, number]> {
  if (terms.length === 0) return [];
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}
