/**
 * Tables inside plain text and PDF text, where they arrive as runs of lines ("Net sales $ 3,226,773
 * 100.0% $ 2,729,388 100.0%") under a few short header lines ("52 Weeks Ended", "January 28, January 29,",
 * "2023 2022"). Cut as prose, a row is split mid-line and every chunk after the first loses the column
 * headers, so a figure cannot be found by its label and period. Here a table becomes its own block, cut
 * only between rows, in a section of its own whose heading is the header lines: every chunk of its rows
 * carries the periods and the caption in its heading path (and so in BM25's heading field).
 */
import { type Block, type SplitLevel, type Span, lineSpans } from './spans.js';

const PROSE: SplitLevel[] = ['sentences', 'words'];
const ROWS: SplitLevel[] = ['lines', 'words'];

/** A line ending in a numeric cell ("1,355", "(312,126)", "15.6%", "$ 6.68", "—") and holding a figure. */
const ENDS_WITH_CELL = /(?:\(?[$€£]?\s?-?\d[\d,]*(?:\.\d+)?%?\)?|[—–-])$/;
/** A figure, as opposed to a bare year or item number: thousands separators, decimals, percent, currency, brackets. */
const FIGURE = /\d{1,3}(?:,\d{3})+|\d+\.\d+|\d+\s?%|[$€£]\s?\d|\(\d[\d,.]*\)/;
const SENTENCE_END = /[.!?]["')\]]?$/;

const MIN_ROWS = 3;
/** Non-row lines a table may hold between rows ("Current assets:", "Net income per common share:"). */
const MAX_GAP_LINES = 2;
const MAX_HEADER_LINES = 10;
const MAX_SHORT_LINE_WORDS = 10;
const MAX_CAPTION_CHARS = 200;

function wordCount(line: string): number {
  return line.split(/\s+/).length;
}

export function isRowLine(line: string): boolean {
  return ENDS_WITH_CELL.test(line) && FIGURE.test(line);
}

/** A caption or sub-heading line: a few words, not a sentence ("Ulta Beauty, Inc." ends in a dot but is a name). */
function isShortLine(line: string): boolean {
  const words = wordCount(line);
  return words <= MAX_SHORT_LINE_WORDS && !(words > 4 && SENTENCE_END.test(line));
}

/** A row label over the rows below it ("Adjustments to reconcile net income to net cash ...:"). */
function isSubheading(line: string): boolean {
  return line.endsWith(':') && wordCount(line) <= 2 * MAX_SHORT_LINE_WORDS;
}

interface TableRun {
  header: Span[];
  lines: Span[];
}

/** Maximal runs of row lines (with short gaps) in one paragraph, each with the header lines above it. */
function findTables(text: string, lines: Span[]): Array<{ first: number; last: number; headerFrom: number }> {
  const rows = lines.map((line) => isRowLine(text.slice(line.start, line.end)));
  const short = lines.map((line) => isShortLine(text.slice(line.start, line.end)));
  const gapLine = lines.map((line, n) => short[n] || isSubheading(text.slice(line.start, line.end)));
  const tables: Array<{ first: number; last: number; headerFrom: number }> = [];
  let i = 0;
  let floor = 0;
  while (i < lines.length) {
    if (!rows[i]) {
      i++;
      continue;
    }
    let last = i;
    let count = 1;
    let j = i + 1;
    while (j < lines.length) {
      if (rows[j]) {
        last = j;
        count++;
        j++;
        continue;
      }
      let gap = 0;
      while (j + gap < lines.length && !rows[j + gap] && gapLine[j + gap] && gap < MAX_GAP_LINES) gap++;
      if (gap === 0 || j + gap >= lines.length || !rows[j + gap]) break;
      j += gap;
    }
    if (count >= MIN_ROWS) {
      let headerFrom = i;
      while (headerFrom > floor && i - headerFrom < MAX_HEADER_LINES && short[headerFrom - 1] && !rows[headerFrom - 1]) headerFrom--;
      tables.push({ first: i, last, headerFrom });
      floor = last + 1;
    }
    i = last + 1;
  }
  return tables;
}

/**
 * Blocks for one paragraph of plain or PDF text: prose as before, tables as row-cut blocks in new
 * sections whose heading path (appended to `sections`) is the table's header lines.
 */
export function paragraphBlocks(text: string, paragraph: Span, sections: string[][]): Block[] {
  const lines = lineSpans(text, paragraph.start, paragraph.end);
  const tables = lines.length >= MIN_ROWS ? findTables(text, lines) : [];
  if (tables.length === 0) return [{ ...paragraph, section: 0, levels: PROSE }];
  const blocks: Block[] = [];
  let next = 0;
  for (const table of tables) {
    if (table.headerFrom > next) blocks.push({ start: lines[next]!.start, end: lines[table.headerFrom - 1]!.end, section: 0, levels: PROSE });
    const run: TableRun = { header: lines.slice(table.headerFrom, table.first), lines: lines.slice(table.first, table.last + 1) };
    const caption = run.header.map((line) => text.slice(line.start, line.end)).join(' ').replace(/\s+/g, ' ').trim().slice(0, MAX_CAPTION_CHARS);
    sections.push(caption ? [caption] : []);
    const headerPart = run.header.length > 0 ? [{ start: run.header[0]!.start, end: run.header[run.header.length - 1]!.end }] : [];
    blocks.push({
      start: (run.header[0] ?? run.lines[0]!).start,
      end: run.lines[run.lines.length - 1]!.end,
      section: sections.length - 1,
      parts: [...headerPart, ...run.lines],
      levels: ROWS,
    });
    next = table.last + 1;
  }
  if (next < lines.length) blocks.push({ start: lines[next]!.start, end: paragraph.end, section: 0, levels: PROSE });
  return blocks;
}
