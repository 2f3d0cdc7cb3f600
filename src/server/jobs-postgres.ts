/**
 * The job queue of a home whose store is PostgreSQL: one table that every replica on the
 * database shares (decision 0053). A replica claims the oldest claimable job with
 * `SELECT … FOR UPDATE SKIP LOCKED` and holds it by a lease it renews (heartbeat); a job
 * whose lease ran out — its replica died or lost the database — is claimed by another
 * replica and run again from its spec. Reruns are idempotent because ingest is: a document
 * already stored unchanged is reported `unchanged`, and each document is written whole or
 * not at all. An upload's bytes are stored with the job (bytea), so any replica can run it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type pg from 'pg';
import { TailorError, toTailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SharedDatabase } from '../index/store.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../io/atomic-file.js';
import { createReservations, invokeRunner, DEFAULT_QUEUE_LIMITS, queueFull, shuttingDown, type JobListener, type JobQueue, type JobQueueLimits, type JobRunner, type JobSpec, type JobView } from './jobs.js';
import { ensureJobTables, finishJob, homePaths, HOME_PREFIX, jobTables, toView, type JobEnd, type JobRow } from './jobs-postgres-schema.js';
import { toPgStoreError } from '../index/postgres/schema.js';

export interface PostgresJobQueueOptions {
  database: SharedDatabase;
  /** This replica's home: upload paths are stored relative to it and rebuilt under it by whichever replica runs the job. */
  home: string;
  logger: Logger;
  runners: Record<string, JobRunner>;
  limits?: Partial<JobQueueLimits>;
  /** How long a claim holds without a heartbeat (default 15 s); renewed every third of it. */
  leaseMs?: number;
  /** How often an idle replica looks for claimable jobs (default 500 ms). */
  pollMs?: number;
  /** Runs of one job (claims) before it is failed rather than tried again (default 3): a job that kills its replica stops there. */
  maxAttempts?: number;
  /** Bytes of files one job may store in the database (default 512 MiB; a bytea value cannot pass 1 GiB). */
  maxJobBytes?: number;
  /**
   * The kinds this queue claims (default: every kind; a job with no runner here then fails). Several queues on one
   * table run side by side — uploads in one, dataset builds in another — so a long job of one
   * kind never holds up the other.
   */
  kinds?: readonly string[];
  /** This replica's name in the lease column (default host-pid-random). */
  replicaId?: string;
  now?: () => number;
}

/** How often a watcher of a job running on another replica reads its row. */
const WATCH_POLL_MS = 300;

export function createPostgresJobQueue(options: PostgresJobQueueOptions): JobQueue {
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 3;
  const maxJobBytes = options.maxJobBytes ?? 512 * 1024 * 1024;
  const me = options.replicaId ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  const { pool } = options.database;
  const kinds = options.kinds ? [...options.kinds] : null;
  const ofKinds = (n: number) => `($${n}::text[] IS NULL OR kind = ANY($${n}))`;
  const t = jobTables(options.database.schema);
  const home = resolve(options.home);
  const logger = options.logger;
  // Tables made on first use; a failure (the database down at start) is retried by the next call.
  let made: Promise<void> | null = null;
  const ready = () => (made ??= ensureJobTables(pool, t).catch((error: unknown) => {
    made = null;
    throw error;
  }));
  const reserved = createReservations();
  const listeners = new Map<string, Set<JobListener>>();
  const local = new Map<string, JobView>(); // jobs this replica runs now: their progress is here first
  const cancels = new Map<string, AbortController>();
  let tail: Promise<unknown> = Promise.resolve();
  let started = false;
  let stopping = false;
  let pumping = false;
  let timer: NodeJS.Timeout | undefined;
  const shutdown = new AbortController();
  let running: Promise<unknown> = Promise.resolve();
  let lastSweep = -Infinity;

  // A database that cannot be reached answers STORE_UNAVAILABLE (503), never a bare driver error.
  const query = async <R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => {
    try {
      await ready();
      return await pool.query<R>(sql, values);
    } catch (error) {
      throw toPgStoreError(error, t.schema);
    }
  };

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  }

  function changed(job: JobView): void {
    for (const listener of listeners.get(job.id) ?? []) listener(job);
  }

  const { toShared, fromShared } = homePaths(home);

  async function pending(owner?: string): Promise<{ all: number; mine: number }> {
    const { rows } = await query<{ all: string; mine: string }>(
      `SELECT count(*) AS all, count(*) FILTER (WHERE owner = $1) AS mine FROM ${t.jobs} WHERE state IN ('queued', 'running') AND ${ofKinds(2)}`, [owner ?? null, kinds]);
    return { all: Number(rows[0]!.all), mine: Number(rows[0]!.mine) };
  }

  async function sweep(): Promise<void> {
    if (now() - lastSweep < 60_000) return;
    lastSweep = now();
    await query(`DELETE FROM ${t.jobs} WHERE finished_ms IS NOT NULL AND finished_ms < $1`, [now() - limits.keepFinishedMs]);
  }

  /** The oldest job nobody holds: queued, or running under a lease that ran out. */
  async function claim(): Promise<JobRow | undefined> {
    const { rows } = await query<JobRow>(
      `UPDATE ${t.jobs} SET state = 'running', lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond', attempts = attempts + 1, updated_at = clock_timestamp()
       WHERE id = (SELECT id FROM ${t.jobs} WHERE (state = 'queued' OR (state = 'running' AND lease_until < clock_timestamp())) AND ${ofKinds(3)} ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`, [me, leaseMs, kinds]);
    return rows[0];
  }

  const finish = (id: string, fields: JobEnd) => finishJob(pool, t, me, id, fields);

  /** Writes the upload's stored bytes under this replica's home, where the runner reads them. */
  async function materialise(id: string): Promise<void> {
    const { rows } = await query<{ path: string; bytes: Buffer }>(`SELECT path, bytes FROM ${t.files} WHERE job_id = $1 ORDER BY ord`, [id]);
    for (const row of rows) {
      // Only files the submitting replica kept in its home are rebuilt: stored bytes never pick a path elsewhere.
      if (!row.path.startsWith(HOME_PREFIX)) throw new TailorError('INVALID_ARGUMENT', `A stored job file names "${row.path}", outside the home; the job is refused.`);
      const path = fromShared(row.path);
      await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
      await writeFile(path, row.bytes, { mode: PRIVATE_FILE_MODE });
    }
  }

  async function run(row: JobRow): Promise<void> {
    const job = toView(row);
    local.set(job.id, job);
    const lost = new AbortController();
    const cancelled = new AbortController();
    cancels.set(job.id, cancelled);
    const signal = AbortSignal.any([shutdown.signal, lost.signal, cancelled.signal]);
    // Renews the lease; also how often progress reaches watchers on other replicas (≤ 1 s).
    const heartbeat = setInterval(() => {
      const values = [job.id, me, leaseMs, job.done, job.total];
      void query<{ cancel_requested: boolean }>(`UPDATE ${t.jobs} SET lease_until = clock_timestamp() + $3 * interval '1 millisecond', done = $4, total = $5, updated_at = clock_timestamp() WHERE id = $1 AND lease_owner = $2 RETURNING cancel_requested`, values)
        .then((result) => {
          if (result.rowCount === 0) {
            logger.log('warn', `job ${job.id} was taken over by another replica (this one's lease ran out); stopping here`);
            lost.abort();
          } else if (result.rows[0]!.cancel_requested) {
            cancelled.abort(); // cancelled through another replica
          }
        })
        .catch((error: Error) => logger.log('warn', `could not renew the lease of job ${job.id}: ${error.message}`));
    }, Math.max(50, Math.min(1000, Math.floor(leaseMs / 3))));
    heartbeat.unref();
    changed(job);
    const work = (async () => {
      if (row.attempts > maxAttempts) throw new TailorError('INTERNAL', `The job was started ${maxAttempts} times and its replica stopped each time (crashed or lost the database); it is not tried again. Upload the files again, a few at a time.`);
      await materialise(job.id);
      if (row.cancel_requested) cancelled.abort();
      return invokeRunner(options.runners, job, { ...row.spec, paths: row.spec.paths.map(fromShared) }, { signal, cancelled: () => cancelled.signal.aborted, changed });
    })();
    running = work.catch(() => undefined);
    try {
      try {
        const out = await work;
        if ('files' in out) Object.assign(job, { state: 'done', report: out, files: out.files, done: job.total, finishedAt: new Date(now()).toISOString() });
        else Object.assign(job, { state: 'done', result: out.result, done: job.total, finishedAt: new Date(now()).toISOString() });
      } catch (error) {
        if (lost.signal.aborted) return; // another replica runs it now
        if (cancelled.signal.aborted) {
          Object.assign(job, { state: 'failed', error: { code: 'CANCELLED', message: 'The job was cancelled.' }, finishedAt: new Date(now()).toISOString() });
        } else if (stopping) {
          // Interrupted by shutdown: back to the queue at once, for another replica or the next start.
          await finish(job.id, { state: 'queued', done: job.done, total: job.total, result: null }).catch(() => undefined);
          return;
        } else {
          const e = toTailorError(error);
          logger.log('error', `job ${job.id} failed: ${e.message}`, { code: e.code });
          Object.assign(job, { state: 'failed', error: { code: e.code, message: e.message }, finishedAt: new Date(now()).toISOString() });
        }
      } finally {
        clearInterval(heartbeat);
        cancels.delete(job.id);
      }
      const result = { files: job.files, ...(job.report ? { report: job.report } : {}), ...(job.result !== undefined ? { value: job.result } : {}), ...(job.error ? { error: job.error } : {}) };
      if (!(await finish(job.id, { state: job.state, done: job.done, total: job.total, result, finishedAt: job.finishedAt }))) {
        logger.log('warn', `job ${job.id} finished here after another replica took it over; its result there stands`);
        return;
      }
      changed(job);
    } finally {
      // Only now: until the row holds the end, readers here are answered from memory.
      local.delete(job.id);
    }
  }

  /** Runs claimable jobs one after another until none is left, then waits for the next poll or submit. */
  async function pump(): Promise<void> {
    if (pumping || stopping || !started) return;
    pumping = true;
    clearTimeout(timer);
    try {
      await sweep();
      while (!stopping) {
        const row = await claim();
        if (!row) break;
        // Uploads write the store: this process's deletes and syncs wait behind them (exclusive).
        await (row.kind === 'upload' ? exclusive(() => run(row)) : run(row));
      }
    } catch (error) {
      logger.log('warn', `the job queue could not reach the database: ${(error as Error).message}; retrying`);
    } finally {
      pumping = false;
      if (!stopping) {
        timer = setTimeout(() => void pump(), pollMs);
        timer.unref();
      }
    }
  }

  async function read(id: string): Promise<JobView | undefined> {
    const live = local.get(id);
    if (live) return { ...live };
    const { rows } = await query<JobRow>(`SELECT * FROM ${t.jobs} WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return undefined;
    if (row.finished_ms !== null && row.finished_ms < now() - limits.keepFinishedMs) return undefined;
    return toView(row);
  }

  return {
    async reserve(owner) {
      if (stopping) throw shuttingDown();
      const counts = await pending(owner);
      const refused = queueFull(limits, { all: counts.all + reserved.count(), mine: counts.mine + reserved.count(owner), pending: counts.all });
      if (refused) throw refused;
      const place = reserved.take(owner);
      return {
        release: place.release,
        async submit({ kind, spec, total, files = [] }) {
          place.use();
          started = true;
          const bytes = files.reduce((sum, f) => sum + f.bytes.length, 0);
          if (bytes > maxJobBytes) {
            throw new TailorError('PAYLOAD_TOO_LARGE', `The upload is ${bytes} bytes, over the ${maxJobBytes} bytes one job may keep in the database; upload fewer files at a time.`, { details: { sizeBytes: bytes, limitBytes: maxJobBytes } });
          }
          await ready().catch((error: unknown) => Promise.reject(toPgStoreError(error, t.schema)));
          const id = 'job_' + randomBytes(8).toString('hex');
          const createdAt = new Date(now()).toISOString();
          const shared: JobSpec = { ...spec, paths: spec.paths.map(toShared) };
          const client = await pool.connect().catch((error: unknown) => Promise.reject(toPgStoreError(error, t.schema)));
          let row: JobRow;
          try {
            await client.query('BEGIN');
            row = (await client.query<JobRow>(
              `INSERT INTO ${t.jobs} (id, kind, collection, owner, state, spec, total, created_at) VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7) RETURNING *`,
              [id, kind, spec.collection, owner, shared, total, createdAt])).rows[0]!;
            let ord = 0;
            for (const file of files) {
              await client.query(`INSERT INTO ${t.files} (job_id, ord, path, bytes) VALUES ($1, $2, $3, $4)`, [id, ord++, toShared(file.path), Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength)]);
            }
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw toPgStoreError(error, t.schema);
          } finally {
            client.release();
          }
          setImmediate(() => void pump());
          return toView(row);
        },
      };
    },
    exclusive,
    get: read,
    watch(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      // A job running on another replica changes only in its row: read it while someone watches.
      let last = '';
      const poll = setInterval(() => {
        if (local.has(id)) return;
        void read(id).then((view) => {
          if (!view) return;
          const key = `${view.state}/${view.done}/${view.total}`;
          if (key !== last) {
            last = key;
            listener(view);
          }
          if (view.finishedAt) clearInterval(poll);
        }, () => undefined);
      }, WATCH_POLL_MS);
      poll.unref();
      return () => {
        clearInterval(poll);
        set.delete(listener);
        if (set.size === 0) listeners.delete(id);
      };
    },
    async idle() {
      const { rows } = await query<{ seq: string | null }>(`SELECT max(seq) AS seq FROM ${t.jobs}`);
      const upTo = Number(rows[0]?.seq ?? 0);
      for (;;) {
        const left = await query<{ n: string }>(`SELECT count(*) AS n FROM ${t.jobs} WHERE seq <= $1 AND state IN ('queued', 'running') AND ${ofKinds(2)}`, [upTo, kinds]);
        if (Number(left.rows[0]!.n) === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async resume() {
      const { rows } = await query<{ n: string }>(
        `SELECT count(*) AS n FROM ${t.jobs} WHERE (state = 'queued' OR (state = 'running' AND lease_until < clock_timestamp())) AND ${ofKinds(1)}`, [kinds]);
      started = true;
      lastSweep = -Infinity;
      const count = Number(rows[0]!.n);
      if (count > 0) logger.log('info', `${count} queued ${kinds ? kinds.join('/') + ' ' : ''}job(s) waiting in the shared queue`);
      void pump();
      return count;
    },
    // A queued job ends at once; a running one is flagged in its row, and the replica running it
    // (this one, or another at its next heartbeat) aborts it.
    async cancel(id) {
      if (local.get(id)?.finishedAt) return undefined; // ended here; its row is being written
      const message = 'The job was cancelled before it started.';
      const at = new Date(now()).toISOString();
      const queued = await query(
        `UPDATE ${t.jobs} SET state = 'failed', result = $2, finished_at = $3, finished_ms = $4, lease_owner = NULL, lease_until = NULL, updated_at = clock_timestamp()
         WHERE id = $1 AND state = 'queued' AND ${ofKinds(5)}`, [id, { files: [], error: { code: 'CANCELLED', message } }, at, Date.parse(at), kinds]);
      if (queued.rowCount === 0) {
        const running = await query(`UPDATE ${t.jobs} SET cancel_requested = true WHERE id = $1 AND state = 'running' AND ${ofKinds(2)}`, [id, kinds]);
        if (running.rowCount === 0) return undefined;
        cancels.get(id)?.abort();
      } else {
        await query(`DELETE FROM ${t.files} WHERE job_id = $1`, [id]);
      }
      return read(id);
    },
    async stop(timeoutMs = 5000) {
      stopping = true;
      clearTimeout(timer);
      shutdown.abort();
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running.then(() => tail), new Promise((r) => (wait = setTimeout(r, timeoutMs)))]);
      clearTimeout(wait);
    },
  };
}
