import type { Answer, Filter } from './core/types.js';
import { silentLogger, type Logger, type ProgressListener } from './core/logger.js';
import type { Store } from './index/store.js';
import type { ChatModel, Embedder, Reranker } from './providers/types.js';
import type { ChunkOptions } from './chunking/index.js';
import { createRetriever, type Retriever, type RetrieveResult } from './retrieval/retriever.js';
import type { FusionOptions } from './retrieval/fuse.js';
import { ingest, type IngestOptions } from './ingest/pipeline.js';
import { syncCollection, type SyncReport } from './ingest/sync.js';
import { forget, type ForgetReport } from './ingest/forget.js';
import { ingestTexts, type IngestTextsOptions } from './ingest/texts.js';
import type { IngestReport } from './ingest/report.js';
import { ask, type AskOptions } from './answer/ask.js';

export interface TailorOptions {
  store: Store;
  embedder?: Embedder;
  chatModel?: ChatModel;
  reranker?: Reranker;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
  logger?: Logger;
  /** Reuse a retriever (e.g. one built over the same store's reads) instead of building one from the options. */
  retriever?: Retriever;
}

type Shared = 'store' | 'embedder' | 'logger';

/**
 * The library's front door: one object holding the parts you chose, with the
 * same verbs as the CLI. Nothing here is global; open two with different parts
 * and they do not interfere.
 */
export interface Tailor {
  readonly store: Store;
  readonly retriever: Retriever;
  readonly embedder?: Embedder;
  readonly chatModel?: ChatModel;
  readonly chunking?: ChunkOptions;
  ingest(options: Omit<IngestOptions, Shared>): Promise<IngestReport>;
  ingestTexts(options: Omit<IngestTextsOptions, Shared>): Promise<IngestReport>;
  sync(options?: Omit<Parameters<typeof syncCollection>[0], Shared>): Promise<SyncReport>;
  forget(target: string, options?: { collection?: string }): Promise<ForgetReport>;
  search(query: string, options?: { k?: number; filter?: Filter; onProgress?: ProgressListener }): Promise<RetrieveResult>;
  ask(question: string, options?: Omit<AskOptions, 'question' | 'retriever'>): Promise<Answer>;
  close(): Promise<void>;
}

export function createTailor(options: TailorOptions): Tailor {
  const logger = options.logger ?? silentLogger;
  const shared = { store: options.store, embedder: options.embedder, logger, chunking: options.chunking };
  const retriever = options.retriever ?? createRetriever({ store: options.store, embedder: options.embedder, reranker: options.reranker, fusion: options.fusion });
  return {
    store: options.store,
    retriever,
    embedder: options.embedder,
    chatModel: options.chatModel,
    chunking: options.chunking,
    ingest: (o) => ingest({ ...shared, ...o }),
    ingestTexts: (o) => ingestTexts({ ...shared, ...o }),
    sync: (o = {}) => syncCollection({ ...shared, ...o }),
    forget: (target, o = {}) => forget({ store: options.store, target, collection: o.collection }),
    search: (query, o = {}) => retriever.retrieve({ query, k: o.k, filter: o.filter }),
    ask: (question, o = {}) => ask({ chatModel: options.chatModel, ...o, question, retriever }),
    close: () => options.store.close(),
  };
}
