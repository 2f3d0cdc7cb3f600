import type pg from 'pg';

/**
 * Runs idempotent DDL in one transaction under an advisory lock named `lockName`: replicas starting
 * together race on CREATE ... IF NOT EXISTS (Postgres may fail the loser on a catalog conflict).
 */
export async function runLockedDdl(pool: pg.Pool, lockName: string, sql: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockName]);
    await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
