import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Store } from '../index/store.js';
import { createStoreFromSpec } from './store-spec.js';
import { createChatModelFromSpec, createEmbedderFromSpec } from '../providers/spec.js';
import { resolveAdapterForUse } from '../finetune/registry.js';
import { finetuneStoresFor } from '../finetune/stores.js';
import { createTailor, type Tailor } from '../tailor.js';
import { DEFAULT_CONFIG, defaultVectorWeight, readConfig, resolveCacheDir, writeConfig, type WorkspaceConfig } from './config.js';
import { createHome, type Home } from './home.js';
import { createTraceLog } from './traces.js';

export interface OpenHomeOptions {
  /** The home directory (config.json, store.db, datasets/, adapters/, uploads/, traces.jsonl). */
  home: string;
  /** Environment variables for provider specs (API keys, base URLs) and TAILOR_STORE; passed in, never read globally. */
  env?: Record<string, string | undefined>;
  /** Overrides for this run; an embedder change on a populated store is refused. */
  embedder?: string;
  llm?: string;
  /** The store spec: "sqlite" (default) or postgres://…; recorded in config.json. Else TAILOR_STORE, then config.json's `store`. */
  store?: string;
  logger?: Logger;
  /** A registered fine-tuned adapter (name) to apply to a gguf chat model. */
  adapter?: string;
  /** Use an adapter even though it was trained on since-erased documents. */
  allowErased?: boolean;
  /** Where derived model files (e.g. trimmed word vectors) are cached; see resolveCacheDir. */
  cacheDir?: string;
  /** One-line notices about one-time work that takes seconds (the CLI prints them to stderr). */
  notice?: (line: string) => void;
  /** Answers kept in memory for traces (default 200); `traceFile` also appends them to <home>/traces.jsonl. */
  traceCapacity?: number;
  traceFile?: boolean;
}

/**
 * Opens a home: reads its config, chooses its store, loads its models, and returns the one
 * object that owns them all and through which every erasure passes. `close()` frees everything.
 */
export async function openHome(options: OpenHomeOptions): Promise<Home> {
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? {};
  await mkdir(options.home, { recursive: true });
  const saved = await readConfig(options.home);
  const config: WorkspaceConfig = { ...DEFAULT_CONFIG, ...saved };
  const storeSpec = options.store ?? env.TAILOR_STORE ?? config.store ?? 'sqlite';
  const store = await createStoreFromSpec(storeSpec, { home: options.home, logger });
  const owned: unknown[] = [];
  try {
    if (options.embedder && options.embedder !== config.embedder) {
      const stats = await store.doStats();
      if (stats.chunks > 0) {
        throw new TailorError(
          'EMBEDDER_MISMATCH',
          `This store (${options.home}) was indexed with the embedder "${config.embedder}"; it cannot mix in "${options.embedder}". Use another --home, or forget every document first.`,
        );
      }
      config.embedder = options.embedder;
    }
    if (options.llm) config.llm = options.llm;
    // A store chosen by flag belongs to the home from now on (TAILOR_STORE stays a per-run choice).
    const newStore = options.store !== undefined && options.store !== saved?.store;
    if (newStore) config.store = options.store;
    if (!saved || options.embedder || newStore) await writeConfig(options.home, { ...config, llm: saved?.llm ?? DEFAULT_CONFIG.llm });
    const cacheDir = options.cacheDir ?? resolveCacheDir(env);
    const embedder = await createEmbedderFromSpec(config.embedder, { env, cacheDir, logger, notice: options.notice });
    owned.push(embedder);
    const loraAdapters = options.adapter ? [(await resolveAdapterForUse(finetuneStoresFor(options.home, store).adapters, options.adapter, { allowErased: options.allowErased })).path] : undefined;
    if (loraAdapters && !config.llm.startsWith('gguf:')) {
      throw new TailorError('INVALID_ARGUMENT', `--adapter applies to a local GGUF model: pass --llm gguf:<base model path> as well (the current model is "${config.llm}").`);
    }
    const chatModel = await createChatModelFromSpec(config.llm, { env, cacheDir, logger, loraAdapters });
    owned.push(chatModel);
    const fusion = { vectorWeight: defaultVectorWeight(config.embedder), ...config.fusion };
    const traces = createTraceLog({
      capacity: options.traceCapacity,
      file: options.traceFile ? join(options.home, 'traces.jsonl') : undefined,
      eraseFile: join(options.home, 'traces.jsonl'),
      logger,
    });
    return createHome({ dir: options.home, config, store, embedder, chatModel, fusion, chunking: config.chunking, logger, traces, owned });
  } catch (error) {
    for (const model of owned) await (model as { dispose?: () => Promise<void> }).dispose?.().catch(() => undefined);
    await store.close();
    throw error;
  }
}

/** A Home over a Tailor someone else opened (tests, embedders of the library): it shares, not owns, the parts. */
export function homeFromTailor(dir: string, tailor: Tailor, options: { logger?: Logger; traceCapacity?: number; traceFile?: boolean } = {}): Home {
  const logger = options.logger ?? silentLogger;
  const traces = createTraceLog({
    capacity: options.traceCapacity,
    file: options.traceFile ? join(dir, 'traces.jsonl') : undefined,
    eraseFile: join(dir, 'traces.jsonl'),
    logger,
  });
  return createHome({
    dir, config: { ...DEFAULT_CONFIG }, store: tailor.store, embedder: tailor.embedder, chatModel: tailor.chatModel,
    chunking: tailor.chunking, retriever: tailor.retriever, logger, traces, owned: [], closeStore: false,
  });
}

