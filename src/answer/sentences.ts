import type { Chunk } from '../core/types.js';

/** A sentence of a chunk, located in its document's text. */
export interface SentenceSpan {
  start: number;
  end: number;
  text: string;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
// Markdown/list/table syntax at a sentence's start is not part of what it says.
const LEADING_MARKUP = /^(?:\s+|#{1,6}\s+|[-*+•]\s+|\d{1,3}[.)]\s+|>\s?|\|\s*)+/;
const TRAILING_MARKUP = /(?:\s+|\s*\|)+$/;

/** Splits a chunk into sentences whose offsets index into the document text. */
export function chunkSentences(chunk: Pick<Chunk, 'text' | 'start'>): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  for (const segment of segmenter.segment(chunk.text)) {
    // Line breaks end a sentence in structured text (list items, table rows, headings).
    let lineOffset = 0;
    for (const line of segment.segment.split('\n')) {
      const localStart = segment.index + lineOffset;
      lineOffset += line.length + 1;
      const lead = LEADING_MARKUP.exec(line)?.[0].length ?? 0;
      const trail = TRAILING_MARKUP.exec(line.slice(lead))?.[0].length ?? 0;
      const text = line.slice(lead, line.length - trail);
      if (!/[\p{L}\p{N}]/u.test(text)) continue;
      const start = chunk.start + localStart + lead;
      spans.push({ start, end: start + text.length, text });
    }
  }
  return spans;
}
