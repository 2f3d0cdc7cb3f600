import type { Chunk } from '../core/types.js';

/** A sentence of a chunk, located in its document's text. */
export interface SentenceSpan {
  start: number;
  end: number;
  text: string;
  /**
   * What the line was in the source: a heading names a section and a list item is
   * one entry of a list; neither reads as an answer on its own the way prose does.
   */
  role?: SentenceRole;
}

export type SentenceRole = 'heading' | 'item' | 'text';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
// Markdown/list/table syntax at a sentence's start is not part of what it says.
const LEADING_MARKUP = /^(?:\s+|#{1,6}\s+|[-*+•]\s+|\d{1,3}[.)]\s+|>\s?|\|\s*)+/;
// One character class, not `(?:\s+|\s*\|)+$`: nested quantifiers over spaces backtrack exponentially on a
// line with a long run of spaces before its end (aligned help text, tables), which hung dataset builds.
const TRAILING_MARKUP = /[\s|]+$/;
const STRUCTURAL_LINE = /^\s*(?:#{1,6}\s|[-*+•]\s|\d{1,3}[.)]\s|>|\|)/;
const HEADING_LINE = /^\s*#{1,6}\s/;
const ITEM_LINE = /^\s*(?:[-*+•]|\d{1,3}[.)])\s/;

/** Splits a chunk into sentences whose offsets index into the document text. */
export function chunkSentences(chunk: Pick<Chunk, 'text' | 'start'>): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  const prose = joinWrappedLines(chunk.text);
  for (const segment of segmenter.segment(prose)) {
    // Remaining line breaks are structural (headings, list items, rows, paragraphs): each line stands alone.
    let lineStart = segment.index;
    for (const flatLine of segment.segment.split('\n')) {
      const localStart = lineStart;
      lineStart += flatLine.length + 1;
      const line = chunk.text.slice(localStart, localStart + flatLine.length);
      const lead = LEADING_MARKUP.exec(flatLine)?.[0].length ?? 0;
      const trail = TRAILING_MARKUP.exec(flatLine.slice(lead))?.[0].length ?? 0;
      const text = line.slice(lead, line.length - trail);
      if (!/[\p{L}\p{N}]/u.test(text)) continue;
      const start = chunk.start + localStart + lead;
      // A list item's later sentences belong to the item too: the role comes from the line's start.
      const lineStartAt = prose.lastIndexOf('\n', localStart - 1) + 1;
      const sourceLine = prose.slice(lineStartAt, lineStartAt + 16);
      const role: SentenceRole = HEADING_LINE.test(sourceLine) ? 'heading' : ITEM_LINE.test(sourceLine) ? 'item' : 'text';
      spans.push({ start, end: start + text.length, text, role });
    }
  }
  return spans;
}

/**
 * The sentence segmenter ends a sentence at every line break, which is right for
 * structured text but wrong for wrapped prose (PDF text): such breaks become spaces
 * here — same length, so offsets still hold — and the span keeps the original "\n".
 */
function joinWrappedLines(text: string): string {
  const lines = text.split('\n');
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1]!;
    const line = lines[i]!;
    const wrapped =
      line.trim() !== '' &&
      previous.trim() !== '' &&
      !STRUCTURAL_LINE.test(line) &&
      !STRUCTURAL_LINE.test(previous) &&
      !/[.!?:;]\s*$/.test(previous);
    out += (wrapped ? ' ' : '\n') + line;
  }
  return out;
}
