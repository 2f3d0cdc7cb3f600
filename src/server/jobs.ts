import { randomBytes } from 'node:crypto';
import { toTailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { FileOutcome, IngestReport } from '../ingest/report.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobView {
  id: string;
  kind: string;
  collection: string;
  state: JobState;
  done: number;
  total: number;
  files: FileOutcome[];
  report?: IngestReport;
  error?: { code: string; message: string };
  createdAt: string;
  finishedAt?: string;
}

export interface JobRun {
  progress(done: number, total: number): void;
}

type Listener = (job: JobView) => void;

/**
 * One in-process queue for everything that writes to the store: uploads run as
 * background jobs, deletes and syncs wait their turn via `exclusive`, so the
 * SQLite store never sees two writers interleave.
 */
export interface JobQueue {
  submit(input: { kind: string; collection: string; total: number; run: (job: JobRun) => Promise<IngestReport> }): JobView;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  get(id: string): JobView | undefined;
  /** Calls `listener` on every change of the job until it ends; returns the unsubscribe. */
  watch(id: string, listener: Listener): () => void;
  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void>;
}

export function createJobQueue(options: { logger: Logger; keep?: number; onReport?: (report: IngestReport) => void }): JobQueue {
  const jobs = new Map<string, JobView>();
  const listeners = new Map<string, Set<Listener>>();
  let tail: Promise<unknown> = Promise.resolve();
  const keep = options.keep ?? 500;

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  }

  function changed(job: JobView): void {
    for (const listener of listeners.get(job.id) ?? []) listener(job);
  }

  function forgetOld(): void {
    for (const [id, job] of jobs) {
      if (jobs.size <= keep) break;
      if (job.state === 'done' || job.state === 'failed') jobs.delete(id);
    }
  }

  return {
    submit({ kind, collection, total, run }) {
      const job: JobView = { id: 'job_' + randomBytes(8).toString('hex'), kind, collection, state: 'queued', done: 0, total, files: [], createdAt: new Date().toISOString() };
      jobs.set(job.id, job);
      forgetOld();
      void exclusive(async () => {
        job.state = 'running';
        changed(job);
        try {
          const report = await run({
            progress(done, t) {
              job.done = done;
              job.total = t;
              changed(job);
            },
          });
          Object.assign(job, { state: 'done', report, files: report.files, done: job.total });
          options.onReport?.(report);
        } catch (error) {
          const e = toTailorError(error);
          options.logger.log('error', `job ${job.id} failed: ${e.message}`, { code: e.code });
          Object.assign(job, { state: 'failed', error: { code: e.code, message: e.message } });
        }
        job.finishedAt = new Date().toISOString();
        changed(job);
        listeners.delete(job.id);
      });
      return job;
    },
    exclusive,
    get: (id) => jobs.get(id),
    watch(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => set.delete(listener);
    },
    idle: () => exclusive(async () => undefined),
  };
}
