import type pg from 'pg';
import { toPgStoreError } from './schema.js';

/** Runs `fn` in one transaction on a pooled client: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Runs idempotent DDL in one transaction under an advisory lock named `lockName`: replicas starting
 * together race on CREATE ... IF NOT EXISTS (Postgres may fail the loser on a catalog conflict).
 */
export async function runLockedDdl(pool: pg.Pool, lockName: string, sql: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    await client.query(sql);
  });
}

/**
 * For tables made on first use beside the store's: `run(fn)` creates them once (a failure — the
 * database down at start — is retried by the next call), then runs `fn`, and reports a driver
 * failure as the store's error (STORE_UNAVAILABLE when the database cannot be reached).
 */
export function tablesOnFirstUse(pool: pg.Pool, schema: string, lockName: string, ddl: string): <T>(fn: () => Promise<T>) => Promise<T> {
  let made: Promise<void> | null = null;
  const ready = () => (made ??= runLockedDdl(pool, lockName, ddl).catch((error: unknown) => {
    made = null;
    throw error;
  }));
  return async (fn) => {
    try {
      await ready();
      return await fn();
    } catch (error) {
      throw toPgStoreError(error, schema);
    }
  };
}
