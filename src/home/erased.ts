import type { Chunk } from '../core/types.js';

/** What left the store in one write: whole documents, and chunks (all of theirs, or a changed file's old ones). */
export interface ErasedContent {
  reason: string;
  documents: Array<{ documentId: string; source: string; collection: string; whole: boolean }>;
  chunks: Chunk[];
}

/** Shorter pieces are too common to say that a copy elsewhere came from the erased chunk. */
const MIN_PIECE = 24;
const SPLIT = /(?<=[.!?])\s+|\n+/;

function pieces(text: string): string[] {
  return text.split(SPLIT).map((p) => p.trim()).filter((p) => p.length >= MIN_PIECE);
}

const HEAD_WORDS = 4;

/**
 * Tells whether some data still holds erased content: by id (documents and chunks), and by text —
 * any sentence (or line) of an erased chunk quoted anywhere in a string. Pieces are indexed by
 * their first words, so a scan is one pass over the data however much was erased.
 */
export function erasedMatcher(content: ErasedContent): { ids(ids: Iterable<string>): boolean; text(value: string): boolean; anyText(value: unknown): boolean } {
  const ids = new Set([...content.documents.filter((d) => d.whole).map((d) => d.documentId), ...content.chunks.map((c) => c.id)]);
  const byHead = new Map<string, string[]>();
  /** First words of the pieces: most words of the data are not one, and are passed over at once. */
  const starters = new Set<string>();
  for (const chunk of content.chunks) {
    for (const piece of pieces(chunk.text)) {
      const head = piece.split(/\s+/).slice(0, HEAD_WORDS).join(' ');
      starters.add(head.split(' ')[0]!);
      const list = byHead.get(head);
      if (!list) byHead.set(head, [piece]);
      else if (!list.includes(piece)) list.push(piece);
    }
  }
  const text = (value: string): boolean => {
    if (byHead.size === 0 || value.length < MIN_PIECE) return false;
    const words: Array<{ word: string; at: number }> = [];
    for (const m of value.matchAll(/\S+/g)) {
      words.push({ word: m[0], at: m.index });
      // Every piece starting at one of the last HEAD_WORDS words (heads shorter than that included).
      for (let size = 1; size <= HEAD_WORDS && size <= words.length; size += 1) {
        const first = words.length - size;
        if (!starters.has(words[first]!.word)) continue;
        const head = words.slice(first).map((w) => w.word).join(' ');
        for (const piece of byHead.get(head) ?? []) if (value.startsWith(piece, words[first]!.at)) return true;
      }
    }
    return false;
  };
  const anyText = (value: unknown): boolean => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.some(anyText);
    if (value !== null && typeof value === 'object') return Object.values(value).some(anyText);
    return false;
  };
  return {
    ids: (values) => {
      for (const v of values) if (ids.has(v)) return true;
      return false;
    },
    text,
    anyText,
  };
}
