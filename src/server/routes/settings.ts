import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Hono } from 'hono';
import { DEFAULT_MIN_SUPPORT } from '../../answer/ask.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { seesAll } from '../auth.js';
import type { z } from 'zod';
import type { settingsSchema } from '../response-schemas.js';
import { EXTRACTIVE_MODEL, RAG_PREFIX, visibleCollections } from './openai-models.js';

/** The answerer's default number of passages (answer/ask.ts). */
const DEFAULT_K = 6;

/**
 * A model spec as a page may show it: a file path becomes its file name and a URL its host, so the
 * settings view names the model without revealing where the server keeps files or which credentials a URL holds.
 */
export function publicSpec(spec: string): string {
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const rest = colon > 0 ? spec.slice(colon + 1) : spec;
  const at = rest.search(/@[a-z][a-z0-9+.-]*:\/\//i);
  if (at > 0) {
    try {
      return `${kind}:${rest.slice(0, at)}@${new URL(rest.slice(at + 1)).host}`;
    } catch {
      return `${kind}:${rest.slice(0, at)}`;
    }
  }
  if (/[\\/]/.test(rest)) return `${kind ? kind + ':' : ''}${basename(rest)}`;
  return spec;
}

/** Bytes of the SQLite store's files (store.db, its WAL and the index snapshots) in the home. */
async function storeSize(home: string): Promise<number | null> {
  try {
    const names = (await readdir(home)).filter((name) => /^store\.db(-wal|-shm)?$|\.snapshot$|\.hnsw$|^bm25/.test(name));
    const sizes = await Promise.all(names.map(async (name) => (await stat(join(home, name))).size));
    return sizes.reduce((a, b) => a + b, 0);
  } catch {
    return null;
  }
}

/** GET /api/settings: the home's models, thresholds and store; admins also see limits and the key count. */
export function settingsRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const principal = principalOf(c);
    const admin = principal.role === 'admin';
    const names = await visibleCollections(deps, principal);
    const all = await deps.catalog.list();
    const collections = seesAll(principal) ? all : names.map((name) => all.find((s) => s.name === name) ?? { name, documents: 0, chunks: 0 });
    const config = deps.owner.config;
    const postgres = /^postgres(ql)?:/i.test(config.store ?? '');
    const chat = deps.chatModel?.modelId ?? EXTRACTIVE_MODEL;
    const body: z.infer<typeof settingsSchema> = {
      version: deps.version,
      role: principal.role,
      open: await deps.keys.isEmpty(),
      models: {
        chat: publicSpec(chat),
        embedder: publicSpec(deps.embedder?.modelId ?? deps.tailor.embedder?.modelId ?? config.embedder ?? 'none'),
        list: [...names.map((n) => RAG_PREFIX + n), chat].map(publicSpec),
      },
      answering: { minSupport: DEFAULT_MIN_SUPPORT, k: DEFAULT_K },
      store: {
        kind: postgres ? 'postgres' : 'sqlite',
        // The store's size is the whole home's: shown to keys that see every collection.
        sizeBytes: seesAll(principal) && !postgres ? await storeSize(deps.home) : null,
        documents: collections.reduce((n, s) => n + s.documents, 0),
        chunks: collections.reduce((n, s) => n + s.chunks, 0),
      },
      collections: collections.map(({ name, documents, chunks }) => ({ name, documents, chunks })),
      ...(admin
        ? {
            limits: {
              maxUploadBytes: deps.limits.maxUploadBytes, maxFileBytes: deps.limits.maxFileBytes, maxJsonBytes: deps.limits.maxJsonBytes,
              ratePerSecond: deps.limits.ratePerSecond, rateBurst: deps.limits.rateBurst, requestTimeoutMs: deps.limits.requestTimeoutMs,
            },
            keys: (await deps.keys.list({ by: principal })).length,
          }
        : {}),
    };
    return c.json(body);
  });
  return app;
}
