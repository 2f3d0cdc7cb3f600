import type { Context } from 'hono';
import type { Logger } from '../core/logger.js';
import type { ChatModel, Embedder } from '../providers/types.js';
import type { Tailor } from '../tailor.js';
import type { Home } from '../home/home.js';
import type { Principal, KeyStore } from './keys.js';
import type { JobQueue } from './jobs.js';
import type { TraceLog } from './traces.js';
import type { Metrics } from './metrics.js';
import type { CollectionCatalog } from './collections.js';
import type { RateLimiter } from './limits.js';
import type { TrainingRuns } from './finetune/training-runs.js';
import type { AdapterModels } from './finetune/adapter-models.js';

export interface ServerLimits {
  /** Largest JSON request body (bytes). */
  maxJsonBytes: number;
  /** Largest multipart upload request (bytes). */
  maxUploadBytes: number;
  /** Largest single uploaded file (bytes). */
  maxFileBytes: number;
  /** Token bucket per key: sustained requests per second and burst size; 0 turns it off. */
  ratePerSecond: number;
  rateBurst: number;
  /** Time to receive a request's headers, its whole body, and an idle keep-alive gap (ms). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Wall time and JavaScript heap one uploaded file may take to parse (hard: its worker is stopped). */
  maxLoadMillis: number;
  maxLoadMemoryMb: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 200 * 1024 * 1024,
  maxFileBytes: 50 * 1024 * 1024,
  ratePerSecond: 20,
  rateBurst: 60,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxLoadMillis: 60_000,
  maxLoadMemoryMb: 512,
};

/** Everything a route handler needs, built once per server and passed in (no globals). */
export interface ServerDeps {
  tailor: Tailor;
  home: string;
  /** The home object: deletes, syncs and traces go through it (its erase path). */
  owner: Home;
  keys: KeyStore;
  /** Used by /v1/embeddings; absent → 400 there. */
  embedder?: Embedder;
  /** The plain (non-rag) model behind /v1/chat/completions; absent → extractive only. */
  chatModel?: ChatModel;
  logger: Logger;
  limits: ServerLimits;
  /** Whether requests without a key act as admin while no key exists (loopback binding only). */
  allowOpen: boolean;
  version: string;
  jobs: JobQueue;
  traces: TraceLog;
  metrics: Metrics;
  catalog: CollectionCatalog;
  rateLimiter: RateLimiter;
  /** Training runs started over HTTP, with their losses (the fine-tuning routes). */
  trainingRuns: TrainingRuns;
  /** GGUF files the HTTP API may train on or run, besides those in <home>/models/. */
  baseModels: string[];
  /** Environment for remote trainers' API keys (OPENAI_API_KEY…), passed in. */
  env: Record<string, string | undefined>;
  /** Base models with a fine-tuned adapter applied, for chat requests that name one. */
  adapterModels: AdapterModels;
}

export interface AppEnv {
  Variables: { principal: Principal };
}

export type AppContext = Context<AppEnv>;

export function principalOf(c: AppContext): Principal {
  return c.get('principal');
}
