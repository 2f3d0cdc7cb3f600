import type { PagedBlock } from './pages.js';
import { type Span, type SplitLevel, trimSpan } from './spans.js';
import { type Unit, splitAt, splitToFit } from './split.js';
import { countTokens } from './tokens.js';

export interface PackOptions {
  maxTokens: number;
  overlapTokens: number;
  minTokens: number;
}

/** A chunk's range before it is dressed as a ChunkDraft. */
export interface PackedRange extends Span {
  section: number;
  pageIndex: number;
  tokens: number;
}

interface PackUnit extends Unit {
  levels: readonly SplitLevel[];
}

interface OpenChunk {
  units: PackUnit[];
  tokens: number;
  section: number;
  pageIndex: number;
  headingsOnly: boolean;
}

/**
 * Greedy packing of consecutive blocks into chunks of at most `maxTokens`.
 * - A block that fits is never cut; one that does not starts a fresh chunk and is cut into units.
 * - A chunk never crosses a heading section or a page start, with one exception: a chunk holding only
 *   headings continues into the sub-section that immediately follows ("# Guide" then "## Install" become
 *   one chunk whose heading path is the sub-section's), so bare headings do not become chunks of their own.
 * - Overlap repeats the previous chunk's last units (down to sentences/rows, never mid-sentence) within a section.
 * - `minTokens` merges a smaller chunk into a neighbour of the same section and page (the previous one
 *   first) as long as the merged chunk has at most `maxTokens + minTokens` tokens.
 */
export function packBlocks(text: string, blocks: readonly PagedBlock[], sections: readonly string[][], options: PackOptions): PackedRange[] {
  const { maxTokens, overlapTokens } = options;
  const ranges: PackedRange[] = [];
  let open: OpenChunk | undefined;
  let pendingOverlap: PackUnit[] = [];

  const close = (withOverlap: boolean): void => {
    if (!open) return;
    const first = open.units[0];
    const last = open.units[open.units.length - 1];
    ranges.push({ start: first.start, end: last.end, section: open.section, pageIndex: open.pageIndex, tokens: open.tokens });
    pendingOverlap = withOverlap && overlapTokens > 0 ? overlapTail(text, open, overlapTokens) : [];
    open = undefined;
  };

  for (const block of blocks) {
    if (open && (block.section !== open.section || block.pageIndex !== open.pageIndex)) {
      if (open.headingsOnly && block.heading && block.pageIndex === open.pageIndex && descends(sections[open.section], sections[block.section])) {
        open.section = block.section;
      } else {
        close(false);
      }
    }
    // Headings stay with what follows: a block that does not fit beside them is cut so its start can.
    const besideHeadings = open !== undefined && open.headingsOnly;
    const units = blockUnits(text, block, maxTokens, besideHeadings ? maxTokens - open!.tokens : maxTokens);
    if (units.length > 1 && open && !open.headingsOnly) close(true);
    for (const unit of units) {
      if (open && open.tokens + unit.tokens > maxTokens) close(true);
      if (!open) {
        const sameGroup = pendingOverlap.length > 0 && ranges[ranges.length - 1].section === block.section && ranges[ranges.length - 1].pageIndex === block.pageIndex;
        const overlap = sameGroup ? pendingOverlap : [];
        let overlapTokensUsed = overlap.reduce((sum, u) => sum + u.tokens, 0);
        while (overlap.length > 0 && overlapTokensUsed + unit.tokens > maxTokens) overlapTokensUsed -= overlap.shift()!.tokens;
        open = { units: overlap, tokens: overlapTokensUsed, section: block.section, pageIndex: block.pageIndex, headingsOnly: overlap.length === 0 };
        pendingOverlap = [];
      }
      open.units.push(unit);
      open.tokens += unit.tokens;
      if (!block.heading) open.headingsOnly = false;
    }
  }
  close(false);
  return options.minTokens > 0 ? mergeSmall(text, ranges, options.minTokens, maxTokens) : ranges;
}

function descends(parent: readonly string[], child: readonly string[]): boolean {
  return child.length > parent.length && parent.every((title, i) => child[i] === title);
}

/**
 * The block whole when it fits `room`, else cut at its parts and levels into units of at most `maxTokens`
 * (when only `room` is short, never below sentences: a heading then simply stands before the whole block).
 */
function blockUnits(text: string, block: PagedBlock, maxTokens: number, room: number): PackUnit[] {
  const tokens = countTokens(text, block.start, block.end);
  if (tokens <= room) return [{ start: block.start, end: block.end, tokens, levels: block.levels }];
  const levels = tokens <= maxTokens ? block.levels.filter((level) => level !== 'words') : block.levels;
  const units: Unit[] = [];
  const spans = partsCoveringBlock(text, block);
  if (spans.length > 1) {
    for (const span of spans) splitToFit(text, span, levels, maxTokens, units);
  } else if (tokens > maxTokens) {
    splitToFit(text, block, levels, maxTokens, units, tokens);
  } else {
    const pieces = levels.map((level) => splitAt(text, block, level)).find((p) => p.length > 1) ?? [block];
    for (const piece of pieces) splitToFit(text, piece, [], maxTokens, units);
  }
  return units.map((u) => ({ ...u, levels: block.levels }));
}

/** The block's parts, plus any text between or around them that no part holds, so nothing is dropped. */
function partsCoveringBlock(text: string, block: PagedBlock): Span[] {
  if (!block.parts || block.parts.length === 0) return [block];
  const spans: Span[] = [];
  let cursor = block.start;
  for (const part of block.parts) {
    const gap = trimSpan(text, cursor, part.start);
    if (gap) spans.push(gap);
    spans.push(part);
    cursor = part.end;
  }
  const rest = trimSpan(text, cursor, block.end);
  if (rest) spans.push(rest);
  return spans;
}

/** The last units (or, inside the last unit that does not fit, its last rows/sentences) within `budget` tokens. */
function overlapTail(text: string, chunk: OpenChunk, budget: number): PackUnit[] {
  const tail: PackUnit[] = [];
  let used = 0;
  for (let i = chunk.units.length - 1; i >= 0; i--) {
    const unit = chunk.units[i];
    if (used + unit.tokens <= budget) {
      tail.unshift(unit);
      used += unit.tokens;
      continue;
    }
    tail.unshift(...finerTail(text, unit, unit.levels, budget - used));
    break;
  }
  const chunkStart = chunk.units[0].start;
  while (tail.length > 0 && tail[0].start <= chunkStart) tail.shift();
  return tail;
}

/** The last pieces of `span` at its first level (rows, lines or sentences; never words) within `budget`. */
function finerTail(text: string, span: Span, levels: readonly SplitLevel[], budget: number): PackUnit[] {
  const level = levels[0];
  if (level === undefined || level === 'words') return [];
  const pieces = splitAt(text, span, level);
  const tail: PackUnit[] = [];
  let used = 0;
  for (let j = pieces.length - 1; j > 0; j--) {
    const tokens = countTokens(text, pieces[j].start, pieces[j].end);
    if (used + tokens > budget) break;
    tail.unshift({ ...pieces[j], tokens, levels: levels.slice(1) });
    used += tokens;
  }
  return tail;
}

function mergeSmall(text: string, ranges: PackedRange[], minTokens: number, maxTokens: number): PackedRange[] {
  const limit = maxTokens + minTokens;
  const out: PackedRange[] = [];
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i];
    if (range.tokens < minTokens) {
      const previous = out[out.length - 1];
      const intoPrevious = previous && sameGroup(previous, range) ? merged(text, previous, range) : undefined;
      if (intoPrevious && intoPrevious.tokens <= limit) {
        out[out.length - 1] = intoPrevious;
        continue;
      }
      const next = ranges[i + 1];
      const intoNext = next && sameGroup(range, next) ? merged(text, range, next) : undefined;
      if (intoNext && intoNext.tokens <= limit) {
        out.push(intoNext);
        i++;
        continue;
      }
    }
    out.push(range);
  }
  return out;
}

function sameGroup(a: PackedRange, b: PackedRange): boolean {
  return a.section === b.section && a.pageIndex === b.pageIndex;
}

function merged(text: string, a: PackedRange, b: PackedRange): PackedRange {
  const end = Math.max(a.end, b.end);
  return { ...a, end, tokens: countTokens(text, a.start, end) };
}
