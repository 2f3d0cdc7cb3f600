import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from './io/atomic-file.js';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { TailorError } from './core/errors.js';
import { silentLogger, type Logger } from './core/logger.js';
import { createSqliteStore } from './index/sqlite-store.js';
import { createChatModelFromSpec, createEmbedderFromSpec } from './providers/spec.js';
import type { FusionOptions } from './retrieval/fuse.js';
import type { ChunkOptions } from './chunking/index.js';
import { createTailor, type Tailor } from './tailor.js';
import { eraseDocumentLineage } from './finetune/lineage.js';
import { resolveAdapterForUse } from './finetune/registry.js';

/** What a home directory remembers between runs, so every command uses the same models. */
export interface WorkspaceConfig {
  embedder: string;
  llm: string;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
}

export const DEFAULT_CONFIG: WorkspaceConfig = { embedder: 'words', llm: 'extractive' };

export interface OpenWorkspaceOptions {
  home: string;
  /** Environment variables for provider specs (API keys, base URLs); passed in, never read globally. */
  env?: Record<string, string | undefined>;
  /** Overrides for this run; an embedder change on a populated store is refused. */
  embedder?: string;
  llm?: string;
  logger?: Logger;
  /** One-line notices about one-time work that takes seconds (the CLI prints them to stderr). */
  notice?: (line: string) => void;
  /** A registered fine-tuned adapter (name) to apply to a gguf chat model. */
  adapter?: string;
  /** Use an adapter even though it was trained on since-erased documents. */
  allowErased?: boolean;
  /** Where derived model files (e.g. trimmed word vectors) are cached; see resolveCacheDir. */
  cacheDir?: string;
}

export interface Workspace {
  home: string;
  config: WorkspaceConfig;
  tailor: Tailor;
}

/** Resolves the home from a flag, then TAILOR_HOME, then `.tailor` in the working directory. */
export function resolveHome(flag: string | undefined, env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, flag ?? env.TAILOR_HOME ?? '.tailor');
}

/**
 * The vector leg's share in hybrid fusion. The built-in word vectors are weak on
 * technical text: 0.05 was best on SciFact's train queries and is the largest
 * weight that keeps hybrid at or above BM25 alone (bench/tune-fusion.ts). Learned
 * embedders get more say; set `fusion.vectorWeight` in config.json to tune yours.
 */
export function defaultVectorWeight(embedderSpec: string): number {
  if (embedderSpec === 'none') return 0;
  return embedderSpec === 'words' ? 0.05 : 0.3;
}

/** Model caches are shared by every home: TAILOR_CACHE, else $XDG_CACHE_HOME/tailor, else ~/.cache/tailor. */
export function resolveCacheDir(env: Record<string, string | undefined>): string {
  if (env.TAILOR_CACHE) return resolve(env.TAILOR_CACHE);
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tailor');
}

export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? {};
  await mkdir(options.home, { recursive: true });
  const saved = await readConfig(options.home);
  const config: WorkspaceConfig = { ...DEFAULT_CONFIG, ...saved };
  const store = await createSqliteStore({ home: options.home, logger });
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
    if (!saved || options.embedder) await writeConfig(options.home, { ...config, llm: saved?.llm ?? DEFAULT_CONFIG.llm });
    const cacheDir = options.cacheDir ?? resolveCacheDir(env);
    const embedder = await createEmbedderFromSpec(config.embedder, { env, cacheDir, logger, notice: options.notice });
    const loraAdapters = options.adapter ? [(await resolveAdapterForUse(options.home, options.adapter, { allowErased: options.allowErased })).path] : undefined;
    if (loraAdapters && !config.llm.startsWith('gguf:')) {
      throw new TailorError('INVALID_ARGUMENT', `--adapter applies to a local GGUF model: pass --llm gguf:<base model path> as well (the current model is "${config.llm}").`);
    }
    const chatModel = await createChatModelFromSpec(config.llm, { env, cacheDir, logger, loraAdapters });
    const fusion = { vectorWeight: defaultVectorWeight(config.embedder), ...config.fusion };
    const tailor = createTailor({ store, embedder, chatModel, logger, fusion, chunking: config.chunking });
    return { home: options.home, config, tailor };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function readConfig(home: string): Promise<Partial<WorkspaceConfig> | undefined> {
  const path = join(home, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Partial<WorkspaceConfig>;
  } catch (cause) {
    throw new TailorError('INVALID_ARGUMENT', `${path} is not valid JSON: fix or delete it (it only records which models this home uses).`, { cause });
  }
}

async function writeConfig(home: string, config: WorkspaceConfig): Promise<void> {
  await writeFileAtomic(join(home, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}

/**
 * `forget` as a user means it: the documents leave the store, and every fine-tuning
 * example derived from them leaves its dataset, with the adapters trained on those
 * examples marked as containing erased data.
 */
export async function forgetEverywhere(workspace: Workspace, target: string, options: { collection?: string } = {}) {
  const report = await workspace.tailor.forget(target, options);
  const lineage = await eraseDocumentLineage(
    workspace.home,
    report.documents.map((d) => d.documentId),
  );
  return { ...report, lineage };
}
