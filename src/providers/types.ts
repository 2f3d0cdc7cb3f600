import type { ChatMessage, Usage } from '../core/types.js';

/** Every provider call returns its result plus what it cost and anything worth knowing. */
export interface CallResult<T> {
  result: T;
  usage: Usage;
  warnings: string[];
}

export interface EmbedOptions {
  values: string[];
  /** Some models embed queries and documents differently (prefixes, pooling). */
  kind?: 'query' | 'document';
  abortSignal?: AbortSignal;
}

export interface Embedder {
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number;
  doEmbed(options: EmbedOptions): Promise<CallResult<{ embeddings: Float32Array[] }>>;
}

export interface ChatOptions {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  seed?: number;
  abortSignal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error' | 'other';

export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: ChatOptions): Promise<CallResult<{ text: string; finishReason: FinishReason }>>;
  doStream(options: ChatOptions): Promise<{ stream: AsyncIterable<ChatStreamPart>; warnings: string[] }>;
}

export interface RerankOptions {
  query: string;
  documents: string[];
  abortSignal?: AbortSignal;
}

export interface Reranker {
  readonly provider: string;
  readonly modelId: string;
  /** One relevance score per document, higher is better, in input order. */
  doRerank(options: RerankOptions): Promise<CallResult<{ scores: number[] }>>;
}

/** Models that want fetch get it injected, so tests need no monkeypatching. */
export type FetchFunction = typeof globalThis.fetch;
