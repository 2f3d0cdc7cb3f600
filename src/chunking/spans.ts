/** Character ranges into a document's text and the small helpers every chunking stage shares. */

export interface Span {
  start: number;
  end: number;
}

/** How an over-long span may be cut, finest last; each level is tried only when the coarser ones could not help. */
export type SplitLevel = 'lines' | 'sentences' | 'words';

/**
 * A structural unit of a document (paragraph, list, table, code block, heading, csv row, json record).
 * Blocks that fit the token budget are kept whole; bigger ones are cut at `parts` (list items, table rows)
 * and then by `levels`.
 */
export interface Block extends Span {
  /** Index of the heading section the block belongs to; a chunk never spans two sections. */
  section: number;
  heading?: boolean;
  parts?: Span[];
  levels: SplitLevel[];
}

export interface Structure {
  blocks: Block[];
  /** Heading path of each section, indexed by `Block.section`. */
  sections: string[][];
}

/** True for the characters JavaScript's `\s` matches. */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The range without surrounding whitespace, or undefined when nothing but whitespace is in it. */
export function trimSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && isSpaceCode(text.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(text.charCodeAt(end - 1))) end--;
  return start < end ? { start, end } : undefined;
}

/** Splits [start, end) at blank lines (lines holding only whitespace) into trimmed, non-empty spans. */
export function paragraphSpans(text: string, start: number, end: number): Span[] {
  const spans: Span[] = [];
  let paragraphStart = start;
  let lineStart = start;
  let lineBlank = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (lineBlank) {
        pushTrimmed(text, paragraphStart, lineStart, spans);
        paragraphStart = i + 1;
      }
      lineStart = i + 1;
      lineBlank = true;
    } else if (lineBlank && !isSpaceCode(c)) {
      lineBlank = false;
    }
  }
  pushTrimmed(text, paragraphStart, end, spans);
  return spans;
}

/** Splits [start, end) at line breaks into trimmed, non-empty spans. */
export function lineSpans(text: string, start: number, end: number): Span[] {
  const spans: Span[] = [];
  let lineStart = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      pushTrimmed(text, lineStart, i, spans);
      lineStart = i + 1;
    }
  }
  pushTrimmed(text, lineStart, end, spans);
  return spans;
}

export function pushTrimmed(text: string, start: number, end: number, out: Span[]): void {
  const span = trimSpan(text, start, end);
  if (span) out.push(span);
}
