/**
 * A PDF page's text in reading order when it is set in two columns.
 *
 * PDF.js returns text in content-stream order. Producers that write a two-column page row by row (left
 * line 1, right line 1, left line 2 …) would otherwise interleave the columns, so a sentence is cut by
 * lines of another one. A page is read as two columns only when several lines split at one common gutter
 * with prose on both sides and no line in that region crosses the gutter; tables (figures on the right)
 * and one-column pages keep PDF.js's order exactly.
 */

export interface PdfTextItem {
  str: string;
  x: number;
  width: number;
  hasEOL: boolean;
}

/** Narrower gaps are word or cell spacing, not a gutter (points). */
const MIN_GUTTER = 12;
/** Lines that must split at the gutter with prose on both sides before a page counts as two columns. */
const MIN_SPLIT_LINES = 4;

interface Line {
  items: PdfTextItem[];
}

function linesOf(items: readonly PdfTextItem[]): Line[] {
  const lines: Line[] = [];
  let current: PdfTextItem[] = [];
  for (const item of items) {
    current.push(item);
    if (item.hasEOL) {
      lines.push({ items: current });
      current = [];
    }
  }
  if (current.length > 0) lines.push({ items: current });
  return lines;
}

/** PDF.js's own joining (what unpdf's extractText does): each item, then a newline where it ends a line. */
function joined(items: readonly PdfTextItem[]): string {
  return items.map((item) => item.str + (item.hasEOL ? '\n' : '')).join('');
}

function isProse(text: string): boolean {
  const words = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const tokens = text.split(/\s+/).filter((w) => w !== '');
  const numeric = tokens.filter((w) => /\d/.test(w)).length;
  return words.length >= 3 && numeric <= 0.3 * tokens.length;
}

const visible = (item: PdfTextItem) => item.str.trim() !== '';

/** The widest gap between visible items of a line, as [left end, right start], when it is gutter-wide. */
function widestGap(line: Line): { leftEnd: number; rightStart: number } | undefined {
  const shown = line.items.filter(visible).sort((a, b) => a.x - b.x);
  let best: { leftEnd: number; rightStart: number } | undefined;
  let leftEnd = -Infinity;
  for (const item of shown) {
    if (leftEnd > -Infinity && item.x - leftEnd >= MIN_GUTTER && (!best || item.x - leftEnd > best.rightStart - best.leftEnd)) {
      best = { leftEnd, rightStart: item.x };
    }
    leftEnd = Math.max(leftEnd, item.x + item.width);
  }
  return best;
}

function sideText(items: readonly PdfTextItem[]): string {
  return items.map((item) => item.str).join('').replace(/\s+/g, ' ').trim();
}

export function pageTextInReadingOrder(items: readonly PdfTextItem[]): string {
  const lines = linesOf(items);
  const splits = lines.map((line) => {
    const gap = widestGap(line);
    if (!gap) return undefined;
    const mid = (gap.leftEnd + gap.rightStart) / 2;
    const left = sideText(line.items.filter((item) => visible(item) && item.x < mid));
    const right = sideText(line.items.filter((item) => visible(item) && item.x >= mid));
    return isProse(left) && isProse(right) ? gap : undefined;
  });
  const candidates = splits.filter((gap) => gap !== undefined);
  if (candidates.length < MIN_SPLIT_LINES) return joined(items);
  const mids = candidates.map((gap) => (gap.leftEnd + gap.rightStart) / 2).sort((a, b) => a - b);
  const gutter = mids[Math.floor(mids.length / 2)]!;
  const atGutter = splits.map((gap) => gap !== undefined && gap.leftEnd <= gutter && gutter <= gap.rightStart);
  if (atGutter.filter(Boolean).length < MIN_SPLIT_LINES) return joined(items);

  const first = atGutter.indexOf(true);
  const last = atGutter.lastIndexOf(true);
  const left: string[] = [];
  const right: string[] = [];
  for (let i = first; i <= last; i++) {
    const shown = lines[i]!.items.filter(visible);
    // Any line of the region that crosses the gutter means this is not a two-column layout.
    if (shown.some((item) => item.x < gutter && item.x + item.width > gutter)) return joined(items);
    const l = sideText(shown.filter((item) => item.x < gutter));
    const r = sideText(shown.filter((item) => item.x >= gutter));
    if (l) left.push(l);
    if (r) right.push(r);
  }
  const before = joined(lines.slice(0, first).flatMap((line) => line.items));
  const after = joined(lines.slice(last + 1).flatMap((line) => line.items));
  return `${before}${left.join('\n')}\n${right.join('\n')}\n${after}`;
}
