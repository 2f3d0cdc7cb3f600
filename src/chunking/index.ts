import { TailorError } from '../core/errors.js';
import type { Chunk, DocumentFormat, PageSpan } from '../core/types.js';
import { markdownStructure } from './markdown.js';
import { packBlocks } from './pack.js';
import { createPageLocator, cutBlocksAtPages } from './pages.js';
import { paragraphStructure, recordStructure, rowStructure } from './plain.js';
import type { Structure } from './spans.js';
import { countTokens } from './tokens.js';

export { countTokens } from './tokens.js';

export interface ChunkOptions {
  /** Upper bound on `countTokens(chunk.text)` (default 200). */
  maxTokens?: number;
  /** Tokens of the previous chunk's end repeated at the start of the next one, within a section (default 0). */
  overlapTokens?: number;
  /** Chunks smaller than this are merged into a neighbour of the same section (default 0: off). */
  minTokens?: number;
}

/** A chunk before the pipeline gives it ids and hashes. `text === document.text.slice(start, end)`. */
export type ChunkDraft = Pick<Chunk, 'ordinal' | 'text' | 'start' | 'end' | 'headingPath' | 'page' | 'tokenCount'>;

export interface ChunkableDocument {
  text: string;
  format: DocumentFormat;
  pages?: PageSpan[];
  /** Accepted for callers that hold a LoadedDocument; heading paths come from the text's own headings only. */
  title?: string;
}

export const DEFAULT_MAX_TOKENS = 200;

/**
 * Cuts a document into retrieval chunks that follow its structure.
 *
 * Guarantees: every chunk is an exact, whitespace-trimmed, non-empty slice of `doc.text`; chunks come in
 * document order; every non-whitespace character (Markdown syntax included) lies in at least one chunk;
 * `tokenCount === countTokens(text)` and is at most `maxTokens` (or `maxTokens + minTokens` after merging).
 *
 * Structure by format: markdown, html and docx (which the loaders emit as Markdown) by headings, paragraphs,
 * list items, table rows and code blocks; text and pdf by paragraphs then sentences; csv by rows; json and
 * jsonl by records. With `pages`, chunks never cross a page start and carry the page of their start.
 */
export function chunkDocument(doc: ChunkableDocument, options: ChunkOptions = {}): ChunkDraft[] {
  const { maxTokens, overlapTokens, minTokens } = resolveOptions(options);
  const { blocks, sections } = structureOf(doc.text, doc.format);
  const locator = createPageLocator(doc.pages ?? []);
  const paged = cutBlocksAtPages(doc.text, blocks, locator);
  const ranges = packBlocks(doc.text, paged, sections, { maxTokens, overlapTokens, minTokens });
  return ranges.map((range, ordinal) => {
    const text = doc.text.slice(range.start, range.end);
    const draft: ChunkDraft = {
      ordinal,
      text,
      start: range.start,
      end: range.end,
      headingPath: [...sections[range.section]],
      tokenCount: countTokens(text),
    };
    const page = doc.pages && doc.pages.length > 0 ? locator.pageAt(range.start) : undefined;
    if (page !== undefined) draft.page = page;
    return draft;
  });
}

function structureOf(text: string, format: DocumentFormat): Structure {
  switch (format) {
    case 'markdown':
    case 'html':
    case 'docx':
    case 'pptx':
    case 'xlsx':
    case 'odt':
    case 'epub':
    case 'eml':
      return markdownStructure(text);
    case 'csv':
      return rowStructure(text);
    case 'json':
    case 'jsonl':
      return recordStructure(text);
    case 'text':
    case 'pdf':
      return paragraphStructure(text);
    default:
      throw new TailorError('UNSUPPORTED_FORMAT', `Cannot chunk format '${String(format)}'; expected one of markdown, html, docx, pptx, xlsx, odt, epub, eml, text, pdf, csv, json, jsonl.`);
  }
}

function resolveOptions(options: ChunkOptions): Required<ChunkOptions> {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? 0;
  const minTokens = options.minTokens ?? 0;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new TailorError('INVALID_ARGUMENT', `maxTokens must be a whole number of at least 1 (got ${maxTokens}).`, { details: { maxTokens } });
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens) {
    throw new TailorError('INVALID_ARGUMENT', `overlapTokens must be a whole number from 0 to maxTokens - 1 (${maxTokens - 1}); got ${overlapTokens}.`, {
      details: { overlapTokens, maxTokens },
    });
  }
  if (!Number.isInteger(minTokens) || minTokens < 0 || minTokens > maxTokens) {
    throw new TailorError('INVALID_ARGUMENT', `minTokens must be a whole number from 0 to maxTokens (${maxTokens}); got ${minTokens}.`, {
      details: { minTokens, maxTokens },
    });
  }
  return { maxTokens, overlapTokens, minTokens };
}
