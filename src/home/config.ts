import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { TailorError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import type { FusionOptions } from '../retrieval/fuse.js';
import type { ChunkOptions } from '../chunking/index.js';

/** What a home directory remembers between runs, so every command uses the same models. */
export interface WorkspaceConfig {
  embedder: string;
  llm: string;
  fusion?: Partial<FusionOptions>;
  chunking?: ChunkOptions;
  /**
   * Which store holds the documents: "sqlite" (the default: <home>/store.db) or a PostgreSQL URL
   * (postgres://user@host:5432/db[?schema=name]; keep the password in PGPASSWORD or ~/.pgpass rather
   * than here). An unknown spec is refused, never ignored.
   */
  store?: string;
}

export const DEFAULT_CONFIG: WorkspaceConfig = { embedder: 'words', llm: 'extractive' };

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

export async function readConfig(home: string): Promise<Partial<WorkspaceConfig> | undefined> {
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

export async function writeConfig(home: string, config: WorkspaceConfig): Promise<void> {
  await writeFileAtomic(join(home, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}
