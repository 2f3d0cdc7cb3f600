/**
 * The one place a store spec becomes a Store: "sqlite" (the default, <home>/store.db) or a
 * PostgreSQL URL (postgres://user:password@host:5432/db[?schema=name]). An unknown spec is
 * refused, never ignored, so a typo cannot silently write to the wrong place.
 */
import { TailorError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { createPostgresStore, redactPostgresUrl } from '../index/postgres/index.js';
import { createSqliteStore } from '../index/sqlite-store.js';
import type { Store } from '../index/store.js';
import { DEFAULT_CONFIG, readConfig } from './config.js';

export function isPostgresSpec(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** What a spec names, for messages: the password never appears. */
export function describeStoreSpec(spec: string, home: string): string {
  return isPostgresSpec(spec) ? redactPostgresUrl(spec) : `${home}/store.db`;
}

export async function createStoreFromSpec(spec: string, options: { home: string; logger?: Logger }): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  if (spec === 'sqlite' || spec === '') return createSqliteStore({ home: options.home, logger });
  if (isPostgresSpec(spec)) return createPostgresStore({ connectionString: spec, logger });
  throw new TailorError('INVALID_ARGUMENT', `Unknown store "${spec}": use "sqlite" or a PostgreSQL URL such as postgres://user@host:5432/db (set by --store, TAILOR_STORE or config.json's "store").`);
}

/** The spec a home uses: an explicit one, else TAILOR_STORE, else config.json's `store`, else "sqlite". */
export async function resolveStoreSpec(home: string, explicit: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  return explicit ?? env.TAILOR_STORE ?? (await readConfig(home))?.store ?? DEFAULT_CONFIG.store ?? 'sqlite';
}
