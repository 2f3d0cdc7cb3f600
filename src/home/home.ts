import { TailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../index/store.js';
import type { ChatModel, Embedder } from '../providers/types.js';
import type { ChunkOptions } from '../chunking/index.js';
import type { FusionOptions } from '../retrieval/fuse.js';
import type { Retriever } from '../retrieval/retriever.js';
import { createTailor, type Tailor } from '../tailor.js';
import type { ForgetReport } from '../ingest/forget.js';
import type { SyncReport } from '../ingest/sync.js';
import type { IngestReport } from '../ingest/report.js';
import type { DatasetStore } from '../finetune/datasets/store.js';
import type { AdapterRegistry } from '../finetune/registry.js';
import { finetuneStoresFor } from '../finetune/stores.js';
import type { WorkspaceConfig } from './config.js';
import { eraseDerived } from './erase.js';
import { createErasingStore, type ErasingStore } from './erasing-store.js';
import { mergeReceipts, type ErasureReceipt } from './receipt.js';
import type { TraceLog } from './traces.js';

/**
 * One home, opened: it owns the store, the models, the datasets, the adapter registry and the
 * answer traces, and every way a document leaves (forget, delete, sync, a changed file) goes
 * through its one erase path, whose receipt each call returns.
 */
export interface Home {
  readonly dir: string;
  readonly config: WorkspaceConfig;
  /** The erasing store: writes that remove text through it reach everything derived. */
  readonly store: ErasingStore;
  /** Retrieval-augmented answering over this home's store (the library's Tailor). */
  readonly rag: Tailor;
  readonly embedder?: Embedder;
  readonly chatModel?: ChatModel;
  readonly datasets: DatasetStore;
  readonly adapters: AdapterRegistry;
  readonly traces: TraceLog;
  ingest(options: Parameters<Tailor['ingest']>[0]): Promise<IngestReport & { erasure: ErasureReceipt }>;
  sync(options?: Parameters<Tailor['sync']>[0]): Promise<SyncReport & { erasure: ErasureReceipt }>;
  forget(target: string, options?: { collection?: string }): Promise<ForgetReport & { erasure: ErasureReceipt }>;
  deleteDocument(id: string): Promise<ForgetReport & { erasure: ErasureReceipt }>;
  deleteCollection(name: string): Promise<{ removedDocuments: number; removedChunks: number; erasure: ErasureReceipt }>;
  erase(documentIds: string[], reason: string): Promise<ErasureReceipt>;
  close(): Promise<void>;
}

export interface HomeParts {
  dir: string;
  config: WorkspaceConfig;
  store: Store;
  embedder?: Embedder;
  chatModel?: ChatModel;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
  retriever?: Retriever;
  logger: Logger;
  traces: TraceLog;
  /** Models this home loaded and must free on close. */
  owned: unknown[];
  /** False when the store belongs to someone else (homeFromTailor). */
  closeStore?: boolean;
}

export function createHome(parts: HomeParts): Home {
  const inner = parts.store;
  // Datasets and adapters live with the documents (files, or the PostgreSQL store's tables).
  const finetune = finetuneStoresFor(parts.dir, inner);
  const store = createErasingStore(inner, (content, removed, options) => eraseDerived({ dir: parts.dir, store: inner, finetune, traces: parts.traces, logger: parts.logger }, content, removed, options));
  const rag = createTailor({
    store, embedder: parts.embedder, chatModel: parts.chatModel, fusion: parts.fusion, chunking: parts.chunking, logger: parts.logger, retriever: parts.retriever,
  });
  let closed = false;

  async function erasing<T extends object>(reason: string, fn: () => Promise<T>): Promise<T & { erasure: ErasureReceipt }> {
    const { value, receipts } = await store.collecting(reason, fn);
    return { ...value, erasure: mergeReceipts(reason, receipts) };
  }

  const home: Home = {
    dir: parts.dir,
    config: parts.config,
    store,
    rag,
    embedder: parts.embedder,
    chatModel: parts.chatModel,
    datasets: finetune.datasets,
    adapters: finetune.adapters,
    traces: parts.traces,
    ingest: (options) => erasing('re-ingest: old versions of changed files', () => rag.ingest(options)),
    sync: (options = {}) => erasing('sync: deleted and changed files', () => rag.sync(options)),
    forget: (target, options = {}) => erasing('forget', () => rag.forget(target, options)),
    async deleteDocument(id) {
      const [doc] = await store.doListDocuments({ ids: [id] });
      if (!doc) throw new TailorError('NOT_FOUND', `No stored document has the id "${id}". List them with \`tailor documents\`.`);
      return erasing('document deleted', () => rag.forget(doc.id, { collection: doc.collection }));
    },
    async deleteCollection(name) {
      const documents = await store.doListDocuments({ filter: { collections: [name] } });
      return erasing(`collection "${name}" deleted`, async () => {
        const written = documents.length > 0 ? await store.doWrite({ deletes: documents.map((d) => d.id) }) : { deleted: 0, chunksRemoved: 0 };
        return { removedDocuments: written.deleted, removedChunks: written.chunksRemoved };
      });
    },
    async erase(documentIds, reason) {
      const { erasure } = await erasing(reason, async () => {
        const ids = [...new Set(documentIds)];
        if (ids.length > 0) await store.doWrite({ deletes: ids });
        return {};
      });
      return erasure;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const model of parts.owned) {
        const dispose = (model as { dispose?: () => Promise<void> } | undefined)?.dispose;
        if (typeof dispose === 'function') await dispose.call(model).catch(() => undefined);
      }
      if (parts.closeStore !== false) await inner.close();
    },
  };
  return home;
}
