import { basename, extname } from 'node:path';
import type { Chunk, DocumentRecord, LoadedDocument, PageSpan } from '../core/types.js';
import { normalisedTextHash, stableId } from '../core/hash.js';
import { chunkDocument, type ChunkOptions } from '../chunking/index.js';
import { redactPii, type PiiKind } from './redact.js';
import { minhashSignature } from './dedup.js';

export interface PrepareInput {
  collection: string;
  source: string;
  loaded: LoadedDocument;
  contentHash: string;
  sizeBytes: number;
  modifiedAt: string;
  redact?: PiiKind[];
  chunking?: ChunkOptions;
}

export interface PreparedDocument {
  document: DocumentRecord;
  chunks: Chunk[];
}

export function documentIdFor(collection: string, source: string): string {
  return stableId(collection, source);
}

/** Loaded text → stored document and its chunks: redact, sign, chunk, identify. */
export function prepareDocument(input: PrepareInput): PreparedDocument {
  const { loaded } = input;
  const redacted = input.redact && input.redact.length > 0 ? redactPaged(loaded.text, loaded.pages, input.redact) : undefined;
  const text = redacted?.text ?? loaded.text;
  const pages = redacted?.pages ?? loaded.pages;
  // Without a title of its own a document is named after its file; the extension is noise to BM25's title field.
  const rawTitle = loaded.title?.trim() || basename(input.source, extname(input.source)) || basename(input.source);
  const title = input.redact && input.redact.length > 0 ? redactPii(rawTitle, input.redact).text : rawTitle;
  const id = documentIdFor(input.collection, input.source);
  const document: DocumentRecord = {
    id,
    collection: input.collection,
    source: input.source,
    title,
    format: loaded.format,
    modifiedAt: input.modifiedAt,
    ingestedAt: new Date().toISOString(),
    contentHash: input.contentHash,
    sizeBytes: input.sizeBytes,
    text,
    pages,
    signature: minhashSignature(text),
    redactions: redacted?.counts,
    metadata: loaded.metadata,
  };
  const drafts = chunkDocument({ text, format: loaded.format, pages, title }, input.chunking);
  const chunks: Chunk[] = drafts.map((draft) => {
    const textHash = normalisedTextHash(draft.text);
    return {
      id: stableId(id, String(draft.ordinal), textHash),
      documentId: id,
      collection: input.collection,
      ordinal: draft.ordinal,
      text: draft.text,
      start: draft.start,
      end: draft.end,
      headingPath: draft.headingPath,
      page: draft.page,
      tokenCount: draft.tokenCount,
      textHash,
    };
  });
  return { document, chunks };
}

/** Redacts page by page so page spans stay true after placeholders change lengths. */
function redactPaged(text: string, pages: PageSpan[] | undefined, kinds: PiiKind[]): { text: string; pages?: PageSpan[]; counts: Record<string, number> } {
  if (!pages || pages.length === 0) {
    const result = redactPii(text, kinds);
    return { text: result.text, counts: result.counts as Record<string, number> };
  }
  const counts: Record<string, number> = {};
  let out = '';
  let cursor = 0;
  const newPages: PageSpan[] = [];
  for (const page of pages) {
    out += redactPii(text.slice(cursor, page.start), kinds).text;
    const result = redactPii(text.slice(page.start, page.end), kinds);
    for (const [kind, n] of Object.entries(result.counts)) counts[kind] = (counts[kind] ?? 0) + (n ?? 0);
    const start = out.length;
    out += result.text;
    newPages.push({ page: page.page, start, end: out.length });
    cursor = page.end;
  }
  out += redactPii(text.slice(cursor), kinds).text;
  return { text: out, pages: newPages, counts };
}
