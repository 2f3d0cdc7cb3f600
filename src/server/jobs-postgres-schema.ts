/** The shared job queue's two tables, created on first use beside the store's tables in its schema. */
import type pg from 'pg';
import { TailorError } from '../core/errors.js';

export interface JobTables {
  schema: string;
  jobs: string;
  files: string;
}

export function jobTables(schema: string): JobTables {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TailorError('INVALID_ARGUMENT', `The Postgres schema name "${schema}" is not allowed: use lowercase letters, digits and _.`);
  return { schema, jobs: `"${schema}"."jobs"`, files: `"${schema}"."job_files"` };
}

/** Idempotent; replicas starting together may race on CREATE, so it runs under an advisory lock. */
export async function ensureJobTables(pool: pg.Pool, t: JobTables): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tailor-jobs:${t.schema}`]);
    await client.query(`
CREATE SCHEMA IF NOT EXISTS "${t.schema}";
CREATE TABLE IF NOT EXISTS ${t.jobs} (
  id TEXT PRIMARY KEY,
  seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind TEXT NOT NULL,
  collection TEXT NOT NULL,
  owner TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  spec JSONB NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  result JSONB,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  finished_ms DOUBLE PRECISION,
  lease_owner TEXT,
  lease_until TIMESTAMPTZ,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS jobs_claimable ON ${t.jobs} (seq) WHERE state IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS jobs_finished ON ${t.jobs} (finished_ms) WHERE finished_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${t.files} (
  job_id TEXT NOT NULL REFERENCES ${t.jobs} (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  path TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (job_id, ord)
);`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
