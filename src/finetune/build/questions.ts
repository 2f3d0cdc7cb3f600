import type { Chunk, DocumentSummary } from '../../core/types.js';

/** A chunk with the document it belongs to: what every generator works from. */
export interface SourceChunk {
  chunk: Chunk;
  document: Pick<DocumentSummary, 'id' | 'title' | 'source' | 'collection'>;
}

/** A question with its answer, tied to the chunk that answers it. */
export interface GeneratedQuestion {
  question: string;
  answer: string;
  /** The sentence(s) of the chunk the answer rests on (quoted in RAFT answers). */
  evidence: string;
  style: 'heading' | 'cloze' | 'llm';
  source: SourceChunk;
}
