import type { PageSpan } from '../core/types.js';
import { type Block, type Span, trimSpan } from './spans.js';

/** Finds the page of an offset: the page whose range holds it, else the last page starting before it. */
export interface PageLocator {
  /** Index into `pages` (sorted by start), or -1 when the offset lies before every page. */
  indexAt(offset: number): number;
  pageAt(offset: number): number | undefined;
  /** Page start offsets after the first, where chunks must break. */
  boundaries: number[];
}

export function createPageLocator(pages: readonly PageSpan[]): PageLocator {
  const sorted = [...pages].sort((a, b) => a.start - b.start || a.page - b.page);
  const indexAt = (offset: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].start <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };
  return {
    indexAt,
    pageAt(offset) {
      const index = indexAt(offset);
      return index < 0 ? sorted[0]?.page : sorted[index].page;
    },
    boundaries: sorted.slice(1).map((p) => p.start),
  };
}

/** A block with the page it lies on; blocks crossing a page start are cut there (parts too). */
export interface PagedBlock extends Block {
  pageIndex: number;
}

export function cutBlocksAtPages(text: string, blocks: readonly Block[], locator: PageLocator): PagedBlock[] {
  const out: PagedBlock[] = [];
  for (const block of blocks) {
    const first = locator.indexAt(block.start);
    const last = locator.indexAt(block.end - 1);
    if (first === last) {
      out.push({ ...block, pageIndex: first });
      continue;
    }
    const cuts = locator.boundaries.filter((b) => b > block.start && b < block.end);
    let from = block.start;
    for (const to of [...cuts, block.end]) {
      const span = trimSpan(text, from, to);
      if (span) {
        const parts = block.parts ? clipParts(text, block.parts, span) : undefined;
        out.push({ ...block, ...span, parts, pageIndex: locator.indexAt(span.start) });
      }
      from = to;
    }
  }
  return out;
}

function clipParts(text: string, parts: readonly Span[], range: Span): Span[] {
  const clipped: Span[] = [];
  for (const part of parts) {
    const span = trimSpan(text, Math.max(part.start, range.start), Math.min(part.end, range.end));
    if (span) clipped.push(span);
  }
  return clipped;
}
