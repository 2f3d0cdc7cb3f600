/** The shared job queue's two tables (created on first use beside the store's tables), its rows, and the end of a job. */
import type pg from 'pg';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TailorError } from '../core/errors.js';
import { runLockedDdl } from '../index/postgres/locked-ddl.js';
import type { FileOutcome, IngestReport } from '../ingest/report.js';
import type { JobSpec, JobView } from './jobs.js';

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
  await runLockedDdl(pool, `tailor-jobs:${t.schema}`, `
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
);
ALTER TABLE ${t.jobs} ADD COLUMN IF NOT EXISTS cancel_requested BOOLEAN NOT NULL DEFAULT false;`);
}

export interface JobRow {
  id: string;
  seq: string;
  kind: string;
  collection: string;
  owner: string;
  state: JobView['state'];
  spec: JobSpec;
  done: number;
  total: number;
  /** An upload's files and report, another kind's `value` (a dataset's manifest), or the error. */
  result: { files?: FileOutcome[]; report?: IngestReport; value?: unknown; error?: { code: string; message: string } } | null;
  created_at: string;
  finished_at: string | null;
  finished_ms: number | null;
  attempts: number;
  cancel_requested?: boolean;
}

export const toView = (row: JobRow): JobView => ({
  id: row.id, kind: row.kind, collection: row.collection, state: row.state, done: row.done, total: row.total,
  files: row.result?.files ?? [],
  ...(row.result?.report ? { report: row.result.report } : {}),
  ...(row.result?.error ? { error: row.result.error } : {}),
  ...(row.result?.value !== undefined ? { result: row.result.value } : {}),
  createdAt: row.created_at, seq: Number(row.seq),
  ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
});

export const HOME_PREFIX = 'home:';

/** Paths inside the home are stored as "home:<relative path>", so another replica rebuilds them under its own home. */
export function homePaths(home: string) {
  const toShared = (path: string) => {
    if (!isAbsolute(path)) return path;
    const rel = relative(home, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? HOME_PREFIX + rel.split(sep).join('/') : path;
  };
  /** Back to this replica's path; a home path never leaves the home. */
  const fromShared = (path: string) => {
    if (!path.startsWith(HOME_PREFIX)) return path;
    const full = resolve(home, path.slice(HOME_PREFIX.length));
    if (!full.startsWith(home + sep)) throw new TailorError('INVALID_ARGUMENT', `A stored job names "${path}", which leaves the home; the job is refused.`);
    return full;
  };
  return { toShared, fromShared };
}

export interface JobEnd {
  state: JobView['state'];
  done: number;
  total: number;
  result: JobRow['result'];
  finishedAt?: string;
}

/** Writes the job's end, only while this replica still holds it; false when another took it over. */
export async function finishJob(pool: pg.Pool, t: JobTables, me: string, id: string, fields: JobEnd): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `UPDATE ${t.jobs} SET state = $3, done = $4, total = $5, result = $6, finished_at = $7, finished_ms = $8, lease_owner = NULL, lease_until = NULL, updated_at = clock_timestamp()
       ${fields.state === 'queued' ? ', attempts = greatest(attempts - 1, 0)' : ''}
       WHERE id = $1 AND lease_owner = $2`,
      [id, me, fields.state, fields.done, fields.total, fields.result, fields.finishedAt ?? null, fields.finishedAt ? Date.parse(fields.finishedAt) : null]);
    if (rowCount === 1 && fields.finishedAt) await client.query(`DELETE FROM ${t.files} WHERE job_id = $1`, [id]);
    await client.query('COMMIT');
    return rowCount === 1;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
