import type { Chunk } from '../core/types.js';

/** What left the store in one write: whole documents, and chunks (all of theirs, or a changed file's old ones). */
export interface ErasedContent {
  reason: string;
  documents: Array<{ documentId: string; source: string; collection: string; whole: boolean }>;
  chunks: Chunk[];
}

/** Shorter texts are too common to say that a copy elsewhere came from the erased chunk. */
const MIN_QUOTE = 24;

/**
 * Tells whether some serialised data still holds erased content: by id (documents and
 * chunks) and by text (a chunk's text, or a long piece of it, quoted anywhere).
 */
export function erasedMatcher(content: ErasedContent): { ids(ids: Iterable<string>): boolean; text(value: string): boolean } {
  const ids = new Set([...content.documents.filter((d) => d.whole).map((d) => d.documentId), ...content.chunks.map((c) => c.id)]);
  const texts = content.chunks.map((c) => c.text.trim()).filter((t) => t.length >= MIN_QUOTE);
  // A quote is usually a sentence of a chunk, not all of it: probe with the chunk's sentences too.
  const pieces = new Set<string>(texts);
  for (const text of texts) {
    for (const sentence of text.split(/(?<=[.!?])\s+|\n+/)) if (sentence.trim().length >= MIN_QUOTE) pieces.add(sentence.trim());
  }
  return {
    ids: (values) => {
      for (const v of values) if (ids.has(v)) return true;
      return false;
    },
    text: (value) => {
      for (const piece of pieces) if (value.includes(piece)) return true;
      return false;
    },
  };
}
