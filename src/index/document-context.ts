/**
 * Document context for chunk ranking.
 *
 * A question about a long document names the document ("3M's FY2018 capital expenditure", "the affiliate
 * agreement between Birch First and Mount Knowledge"), but the chunk that answers it, deep in the body,
 * says neither. So every chunk after the first carries, in its BM25 title/heading field, the words that
 * identify the document: its file name's words and the names and years of its opening (first page, or
 * first OPENING_CHARS characters). The first chunk holds the opening in its body already, so it gets
 * nothing more — which also leaves single-chunk documents (abstracts, records, BEIR passages) scored
 * exactly as before.
 */
import { analyze } from './analyzer.js';

/** How much of a document (without pages) counts as its opening; a PDF's first page is capped at this too. */
export const OPENING_CHARS = 2000;
/** Distinct context terms kept per document, in order of first appearance: names come early. */
export const MAX_CONTEXT_TERMS = 40;

export interface ContextSource {
  title: string;
  source: string;
  text: string;
  pages?: ReadonlyArray<{ start: number; end: number }>;
}

export interface DocumentContext {
  /** Analysed terms (not already in the title), each once. */
  terms: string[];
}

/** Capitalised or all-capital words (names, organisations, "3M"), years, and fiscal-year tags like FY2018. */
const NAME_OR_YEAR_RE = /\b(?:FY ?\d{2,4}|(?:19|20)\d{2}\b|\p{N}*\p{Lu}[\p{L}\p{N}&'’.-]*)/gu;
/** A file path's last segment: the part a user named. URL-like or record sources ("beir:12") carry no name. */
const FILE_NAME_RE = /[^/\\]+$/;

function fileNameWords(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return '';
  const name = FILE_NAME_RE.exec(source)?.[0] ?? '';
  return decodeURIComponentSafe(name.replace(/\.[a-z0-9]{1,5}$/i, ''))
    .replace(/[_+]/g, ' ')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function documentContext(doc: ContextSource): DocumentContext {
  const firstPage = doc.pages?.[0];
  const openingEnd = Math.min(doc.text.length, firstPage ? Math.min(firstPage.end, firstPage.start + OPENING_CHARS) : OPENING_CHARS);
  const opening = doc.text.slice(0, openingEnd);
  const candidates = [fileNameWords(doc.source), ...[...opening.matchAll(NAME_OR_YEAR_RE)].map((m) => m[0])].join(' ');
  const titleTerms = new Set(analyze(doc.title));
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const term of analyze(candidates)) {
    if (titleTerms.has(term) || seen.has(term)) continue;
    seen.add(term);
    terms.push(term);
    if (terms.length === MAX_CONTEXT_TERMS) break;
  }
  return { terms };
}

/** The context terms the chunk at `ordinal` adds to its field. */
export function contextTermsFor(context: DocumentContext, ordinal: number): readonly string[] {
  return ordinal > 0 ? context.terms : [];
}
