/** The nouns of Tailor. Plain data: no I/O, no classes, JSON-serialisable. */

export type DocumentFormat = 'markdown' | 'text' | 'html' | 'pdf' | 'docx' | 'csv' | 'json' | 'jsonl' | 'pptx' | 'xlsx' | 'odt' | 'epub' | 'eml';

/** A 1-based page (as a PDF viewer shows it) and the character range of its text. */
export interface PageSpan {
  page: number;
  start: number;
  end: number;
}

/** What a loader returns: the text every offset and citation refers to. */
export interface LoadedDocument {
  text: string;
  format: DocumentFormat;
  title?: string;
  pages?: PageSpan[];
  metadata?: Record<string, unknown>;
  warnings?: string[];
}

export interface DocumentRecord {
  id: string;
  collection: string;
  /** Absolute path or URL the document came from; unique within a collection. */
  source: string;
  title: string;
  format: DocumentFormat;
  /** ISO time the source was last modified. */
  modifiedAt: string;
  ingestedAt: string;
  /** sha256 of the source bytes: unchanged files are skipped by it. */
  contentHash: string;
  sizeBytes: number;
  /** The stored (possibly redacted) text; chunk offsets index into it. */
  text: string;
  pages?: PageSpan[];
  /** Near-duplicate signature (hex), compared across the collection. */
  signature?: string;
  /** PII placeholders substituted per kind when redaction was requested. */
  redactions?: Record<string, number>;
  metadata?: Record<string, unknown>;
}

export type DocumentSummary = Omit<DocumentRecord, 'text' | 'pages'>;

export interface Chunk {
  id: string;
  documentId: string;
  collection: string;
  ordinal: number;
  /** Exactly `document.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  headingPath: string[];
  /** 1-based page of `start`, for paged formats. */
  page?: number;
  tokenCount: number;
  /** sha256 of the normalised text, for exact duplicate detection. */
  textHash: string;
}

/** Metadata filters; the store applies them inside its query, never after. */
export interface Filter {
  collections?: string[];
  /** picomatch glob against the document source. */
  sourceGlob?: string;
  formats?: DocumentFormat[];
  modifiedAfter?: string;
  modifiedBefore?: string;
}

export interface ChunkScores {
  bm25?: number;
  vector?: number;
  fused: number;
  rerank?: number;
}

export interface RetrievedChunk {
  rank: number;
  score: number;
  scores: ChunkScores;
  chunk: Chunk;
  document: Pick<DocumentRecord, 'id' | 'source' | 'title' | 'format' | 'collection' | 'modifiedAt'>;
}

export interface Citation {
  /** The number shown in the answer as [n]. */
  n: number;
  chunkId: string;
  documentId: string;
  source: string;
  title: string;
  page?: number;
  /** Character span in the document's stored text; `quote === text.slice(start, end)`. */
  start: number;
  end: number;
  quote: string;
  headingPath: string[];
}

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Set when the counts are an estimate rather than a model's own count: the tokenizer that made them. */
  tokenizer?: string;
}

export interface AnswerTrace {
  query: string;
  retrieved: RetrievedChunk[];
  /** The exact messages sent to the model (or that would be, for the extractive answerer). */
  prompt: ChatMessage[];
  generator: string;
  /** Weighted share of the question's meaning-bearing terms the best evidence covers (0..1); below minSupport Tailor refuses. */
  support?: number;
  timingsMs: Record<string, number>;
  usage: Usage;
  warnings: string[];
}

export interface Answer {
  text: string;
  citations: Citation[];
  refused: boolean;
  refusalReason?: string;
  /** The short value (number, date, name) that answers the question, and the citation stating it. */
  shortAnswer?: { text: string; citation: number };
  /** Passages that give different values for what the question asks; the answer names each. */
  conflicts?: AnswerConflict[];
  /** 'length' when the answer was cut at maxTokens. */
  finishReason?: 'stop' | 'length';
  trace: AnswerTrace;
}

export interface AnswerConflict {
  /** What kind of value differs. */
  kind: 'number' | 'date' | 'name';
  values: Array<{ value: string; citations: number[] }>;
}
