import { countTokens } from './tokens.js';
import { type Span, type SplitLevel, isSpaceCode, lineSpans, pushTrimmed, trimSpan } from './spans.js';

/** A span that fits the budget on its own, with its token estimate. */
export interface Unit extends Span {
  tokens: number;
}

// Intl.Segmenter is immutable and costly to construct: one instance serves every call.
const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * Cuts [start, end) into units of at most `maxTokens`, trying each level in turn (a level that leaves the
 * span whole is skipped) and, when none is left, cutting at fixed character counts (only reachable for a
 * single "word" longer than the budget, e.g. a base64 blob). Appends to `out` in document order.
 */
export function splitToFit(text: string, span: Span, levels: readonly SplitLevel[], maxTokens: number, out: Unit[], knownTokens?: number): void {
  const tokens = knownTokens ?? countTokens(text, span.start, span.end);
  if (tokens <= maxTokens) {
    out.push({ start: span.start, end: span.end, tokens });
    return;
  }
  for (let i = 0; i < levels.length; i++) {
    const pieces = splitAt(text, span, levels[i]);
    if (pieces.length > 1) {
      const finer = levels.slice(i + 1);
      for (const piece of pieces) splitToFit(text, piece, finer, maxTokens, out);
      return;
    }
  }
  splitFixed(text, span, maxTokens, out);
}

export function splitAt(text: string, span: Span, level: SplitLevel): Span[] {
  switch (level) {
    case 'lines':
      return lineSpans(text, span.start, span.end);
    case 'sentences':
      return sentenceSpans(text, span);
    case 'words':
      return wordSpans(text, span);
  }
}

/**
 * Sentences by `Intl.Segmenter`. Single line breaks are read as spaces first (same length, so offsets hold):
 * the segmenter otherwise ends a "sentence" at every hard-wrapped line of a PDF or a Markdown paragraph.
 */
const LONE_LINE_BREAK = /(?<=\S)[ \t]*\r?\n(?=[ \t]*\S)/g;

export function sentenceSpans(text: string, span: Span): Span[] {
  let slice = text.slice(span.start, span.end);
  if (slice.includes('\n')) slice = slice.replace(LONE_LINE_BREAK, (m) => ' '.repeat(m.length));
  const spans: Span[] = [];
  for (const segment of sentenceSegmenter.segment(slice)) {
    const start = span.start + segment.index;
    const previous = spans[spans.length - 1];
    if (previous && endsWithAbbreviation(text, previous.end)) {
      const merged = trimSpan(text, previous.start, start + segment.segment.length);
      if (merged) previous.end = merged.end;
    } else {
      pushTrimmed(text, start, start + segment.segment.length, spans);
    }
  }
  return spans;
}

// The segmenter has no abbreviation list ("St. Thomas" would be two sentences): these never end one.
const ABBREVIATION = /(?:^|[\s(])(?:[A-Z]|Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Ste|Mt|No|Nos|Fig|Figs|Eq|Ref|Refs|Vol|Art|Sec|vs|al|approx|cf|ca|e\.g|i\.e|p|pp)\.$/;

function endsWithAbbreviation(text: string, end: number): boolean {
  return text.charCodeAt(end - 1) === 46 && ABBREVIATION.test(text.slice(Math.max(0, end - 8), end));
}

export function wordSpans(text: string, span: Span): Span[] {
  const spans: Span[] = [];
  let wordStart = -1;
  for (let i = span.start; i < span.end; i++) {
    const space = isSpaceCode(text.charCodeAt(i));
    if (space && wordStart >= 0) {
      spans.push({ start: wordStart, end: i });
      wordStart = -1;
    } else if (!space && wordStart < 0) {
      wordStart = i;
    }
  }
  if (wordStart >= 0) spans.push({ start: wordStart, end: span.end });
  return spans;
}

/** No character counts more than one token, so `maxTokens` characters always fit; never splits a surrogate pair. */
function splitFixed(text: string, span: Span, maxTokens: number, out: Unit[]): void {
  let start = span.start;
  while (start < span.end) {
    let end = Math.min(start + Math.max(1, maxTokens), span.end);
    const last = text.charCodeAt(end - 1);
    if (end < span.end && last >= 0xd800 && last <= 0xdbff) end += end - start > 1 ? -1 : 1;
    const piece: Span[] = [];
    pushTrimmed(text, start, end, piece);
    for (const p of piece) out.push({ start: p.start, end: p.end, tokens: countTokens(text, p.start, p.end) });
    start = end;
  }
}
