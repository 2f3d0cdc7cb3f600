import { randomBytes } from 'node:crypto';
import { TailorError, toTailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { FileOutcome, IngestReport } from '../ingest/report.js';
import { createJobFiles } from './job-files.js';

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
  /** Submission order within a home: jobs made in the same millisecond still resume in order. */
  seq?: number;
  finishedAt?: string;
  /** Every collection the job reads (a dataset built from several); `collection` is the first, or "*" for none. */
  collections?: string[];
  /** What a job other than an upload produced (a dataset's manifest, an adapter's name). */
  result?: unknown;
  /** The latest progress detail a runner reported (a training step's loss). */
  detail?: unknown;
}

export interface JobRun {
  /** The job's id (runners that keep their own records key them by it). */
  id: string;
  progress(done: number, total: number): void;
  /** Reports a progress detail to watchers (not persisted on every call). */
  detail(value: unknown): void;
  /** Aborted when the server shuts down (the job then stays queued and resumes at the next start) or when it is cancelled. */
  signal: AbortSignal;
  /** True once `cancel` was called for this job (so a runner can tell a cancel from a shutdown). */
  cancelled(): boolean;
}

/** A runner that is not an upload returns its result this way. */
export interface JobResult {
  result: unknown;
}

/** Runs one kind of job from its persisted description, so a queued job survives a restart. */
export type JobRunner = (spec: JobSpec, run: JobRun) => Promise<IngestReport | JobResult>;

/** What a job needs to run again after a restart (plain JSON). */
export interface JobSpec {
  collection: string;
  paths: string[];
  /** Everything else a non-upload runner needs to run again (plain JSON). */
  params?: Record<string, unknown>;
}

type Listener = (job: JobView) => void;

/**
 * Calls the runner for `job.kind` with a JobRun whose progress and details land in `job` (then
 * `changed`, and `detailed` after a detail). Shared by the file queue and the shared queue.
 */
export async function invokeRunner(
  runners: Partial<Record<string, JobRunner>>,
  job: JobView,
  spec: JobSpec,
  hooks: { signal: AbortSignal; cancelled: () => boolean; changed: (job: JobView) => void; detailed?: () => void },
): Promise<IngestReport | JobResult> {
  const runner = runners[job.kind];
  if (!runner) throw new TailorError('INVALID_ARGUMENT', `No runner for jobs of kind "${job.kind}".`);
  // A runner listens for 'abort', which never fires on a signal that is already aborted.
  if (hooks.signal.aborted) throw new TailorError('ABORTED', 'The queue stopped before the job started.');
  return runner(spec, {
    id: job.id,
    signal: hooks.signal,
    cancelled: hooks.cancelled,
    progress(done, total) {
      job.done = done;
      job.total = total;
      hooks.changed(job);
    },
    detail(value) {
      job.detail = value;
      hooks.detailed?.();
      hooks.changed(job);
    },
  });
}

/** Finished jobs kept in memory; older ones (still within the retention) are read from their files. */
const MAX_FINISHED_IN_MEMORY = 5000;

export interface JobQueueLimits {
  /** Jobs waiting or running for the whole server; beyond it submissions get 429. */
  maxQueued: number;
  /** Jobs waiting or running for one key. */
  maxQueuedPerKey: number;
  /** How long a finished job's status stays available (ms). */
  keepFinishedMs: number;
}

export const DEFAULT_QUEUE_LIMITS: JobQueueLimits = { maxQueued: 64, maxQueuedPerKey: 16, keepFinishedMs: 24 * 3600 * 1000 };

/** An uploaded file's bytes, saved at `path` (under the home) by the replica that received it. */
export interface JobFile {
  path: string;
  bytes: Uint8Array;
}

/** What a job is made of: its runner's kind, its spec, and the files it reads (kept by a shared queue for other replicas). */
export interface JobSubmission {
  kind: string;
  spec: JobSpec;
  total: number;
  files?: JobFile[];
  /** Every collection the job reads, when more than `spec.collection`. */
  collections?: string[];
}

/** A place in the queue, held while an upload is received and saved; `submit` uses it, `release` gives it back. */
export interface JobSlot {
  submit(input: JobSubmission): Promise<JobView>;
  release(): void;
}

/**
 * The queue for everything that writes to the store: uploads run as background jobs,
 * deletes and syncs wait their turn via `exclusive`, so this process never has two of its
 * writers interleave. Two implementations: `createJobQueue` (one process; jobs persisted
 * as files under the home) and `createPostgresJobQueue` (a table shared by every replica
 * on one database; jobs-postgres.ts). test/job-queue-contract.ts holds both to one contract.
 */
export interface JobQueue {
  /**
   * Takes a place for `owner` (a key id) for a job of `kind` (default 'upload'), or rejects with
   * RATE_LIMITED and a Retry-After when the queue is full.
   */
  reserve(owner: string, kind?: string): Promise<JobSlot>;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  get(id: string): Promise<JobView | undefined>;
  /** Calls `listener` on every change of the job until it ends; returns the unsubscribe. */
  watch(id: string, listener: Listener): () => void;
  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void>;
  /** Starts the jobs a previous run left queued or running; resolves to how many there were. */
  resume(): Promise<number>;
  /** Starts nothing new, aborts the running job (it stays queued) and waits for it up to `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Cancels a queued or running job: it ends `failed` with the code CANCELLED. Undefined when unknown or finished. */
  cancel(id: string): Promise<JobView | undefined>;
}

interface Entry {
  view: JobView;
  owner: string;
  spec: JobSpec;
}

export type JobListener = Listener;

export const shuttingDown = () => new TailorError('RATE_LIMITED', 'The server is shutting down; retry the upload in a few seconds.', { details: { retryAfterSeconds: 5 } });

/** Places taken by uploads still being received, per owner, in this process. */
export function createReservations() {
  const held = new Map<string, number>();
  return {
    count: (owner?: string) => (owner === undefined ? [...held.values()].reduce((a, b) => a + b, 0) : held.get(owner) ?? 0),
    take(owner: string) {
      held.set(owner, (held.get(owner) ?? 0) + 1);
      let holding = true;
      const release = () => {
        if (!holding) return;
        holding = false;
        const left = (held.get(owner) ?? 1) - 1;
        if (left > 0) held.set(owner, left);
        else held.delete(owner);
      };
      return {
        release,
        /** Turns the place into a job: once only. */
        use() {
          if (!holding) throw new TailorError('INTERNAL', 'A queue slot was used twice.');
          release();
        },
      };
    },
  };
}

/** The refusal when `all` places (jobs waiting or running plus uploads being received) or `mine` for one key reach the limits. */
export function queueFull(limits: JobQueueLimits, counts: { all: number; mine: number; pending: number }): TailorError | undefined {
  let reason: string | undefined;
  if (counts.all >= limits.maxQueued) reason = `The upload queue is full (${limits.maxQueued} jobs waiting or running)`;
  else if (counts.mine >= limits.maxQueuedPerKey) reason = `This key already has ${limits.maxQueuedPerKey} uploads waiting or running`;
  if (!reason) return undefined;
  const retryAfterSeconds = Math.min(60, 2 + counts.pending);
  return new TailorError('RATE_LIMITED', `${reason}; retry after ${retryAfterSeconds} s (GET /api/jobs/:id shows progress).`, { details: { retryAfterSeconds } });
}

export function createJobQueue(options: {
  logger: Logger;
  runners: Record<string, JobRunner>;
  /** Folder for the persisted jobs (e.g. <home>/jobs); none keeps them in memory only. */
  dir?: string;
  limits?: Partial<JobQueueLimits>;
  now?: () => number;
  /**
   * Kinds that run in a line of their own instead of the store's one writer line (training reads
   * no store and takes minutes: it must not hold up uploads). Kind → lane name.
   */
  lanes?: Record<string, string>;
}): JobQueue {
  const limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const listeners = new Map<string, Set<Listener>>();
  const reserved = createReservations();
  let tail: Promise<unknown> = Promise.resolve();
  let stopping = false;
  let lastSeq = 0;
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();
  const cancels = new Map<string, AbortController>();
  const laneTails = new Map<string, Promise<unknown>>();

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = tail.then(fn, fn);
    tail = result.catch(() => undefined);
    return result;
  }

  function inLane<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const lane = options.lanes?.[kind];
    if (!lane) return exclusive(fn);
    const previous = laneTails.get(lane) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    laneTails.set(lane, result.catch(() => undefined));
    return result;
  }

  const files = options.dir ? createJobFiles<Entry>(options.dir, options.logger) : undefined;
  const persist = (entry: Entry) => files?.save(entry);

  function forget(id: string): void {
    entries.delete(id);
    files?.remove(id);
  }

  let lastSweep = -Infinity;
  /** At most once a minute: drops jobs finished longer ago than the retention, in memory and on disk. */
  function forgetExpired(): void {
    if (now() - lastSweep < 60_000) return;
    lastSweep = now();
    const cutoff = now() - limits.keepFinishedMs;
    for (const [id, { view }] of entries) {
      if (view.finishedAt && Date.parse(view.finishedAt) < cutoff) forget(id);
    }
    files?.sweep(cutoff, (id) => entries.has(id));
  }

  /** Keeps memory bounded: beyond MAX_FINISHED_IN_MEMORY, the oldest finished jobs are read back from disk on demand. */
  function trimMemory(): void {
    if (!files) return;
    let finished = 0;
    for (const { view } of entries.values()) if (view.finishedAt) finished++;
    for (const [id, { view }] of entries) {
      if (finished <= MAX_FINISHED_IN_MEMORY) break;
      if (view.finishedAt) {
        entries.delete(id);
        finished--;
      }
    }
  }

  function fromDisk(id: string): JobView | undefined {
    const view = files?.read(id)?.view;
    if (view && !view.finishedAt) return { ...view, state: 'queued' }; // left by a previous run, waiting for resume()
    return view?.finishedAt && Date.parse(view.finishedAt) >= now() - limits.keepFinishedMs ? view : undefined;
  }

  function changed(job: JobView): void {
    for (const listener of listeners.get(job.id) ?? []) listener(job);
  }

  const pending = (owner?: string) =>
    [...entries.values()].filter((e) => (e.view.state === 'queued' || e.view.state === 'running') && (owner === undefined || e.owner === owner)).length;

  function enqueue(entry: Entry): void {
    const job = entry.view;
    const cancel = new AbortController();
    cancels.set(job.id, cancel);
    void inLane(job.kind, async () => {
      if (stopping) return; // stays queued on disk for the next start
      if (job.state === 'failed') return; // cancelled while it waited
      job.state = 'running';
      persist(entry);
      changed(job);
      let lastSaved = 0;
      const work = invokeRunner(options.runners, job, entry.spec, {
        signal: AbortSignal.any([shutdown.signal, cancel.signal]),
        cancelled: () => cancel.signal.aborted,
        changed,
        detailed() {
          // Progress outlives a restart too, but a file per step would be too many writes.
          if (now() - lastSaved > 2000) {
            lastSaved = now();
            persist(entry);
          }
        },
      });
      const settled = work.catch(() => undefined);
      running.add(settled);
      void settled.then(() => running.delete(settled));
      try {
        const out = await work;
        if ('files' in out) Object.assign(job, { state: 'done', report: out, files: out.files, done: job.total });
        else Object.assign(job, { state: 'done', result: out.result, done: job.total });
      } catch (error) {
        if (cancel.signal.aborted) {
          Object.assign(job, { state: 'failed', error: { code: 'CANCELLED', message: 'The job was cancelled.' } });
        } else if (stopping) {
          // Interrupted by shutdown: what was stored is stored, the rest runs again at the next start.
          job.state = 'queued';
          persist(entry);
          return;
        } else {
          const e = toTailorError(error);
          options.logger.log('error', `job ${job.id} failed: ${e.message}`, { code: e.code });
          Object.assign(job, { state: 'failed', error: { code: e.code, message: e.message } });
        }
      }
      cancels.delete(job.id);
      job.finishedAt = new Date(now()).toISOString();
      persist(entry);
      changed(job);
      listeners.delete(job.id);
      trimMemory();
    });
  }

  return {
    async reserve(owner) {
      if (stopping) throw shuttingDown();
      const refused = queueFull(limits, { all: pending() + reserved.count(), mine: pending(owner) + reserved.count(owner), pending: pending() });
      if (refused) throw refused;
      const place = reserved.take(owner);
      return {
        release: place.release,
        async submit({ kind, spec, total, collections }) {
          place.use();
          forgetExpired();
          const view: JobView = { id: 'job_' + randomBytes(8).toString('hex'), kind, collection: spec.collection, ...(collections ? { collections } : {}), state: 'queued', done: 0, total, files: [], createdAt: new Date(now()).toISOString(), seq: ++lastSeq };
          const entry: Entry = { view, owner, spec };
          entries.set(view.id, entry);
          persist(entry);
          enqueue(entry);
          return view;
        },
      };
    },
    exclusive,
    async get(id) {
      forgetExpired();
      return entries.get(id)?.view ?? fromDisk(id);
    },
    watch(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => set.delete(listener);
    },
    idle: async () => {
      await exclusive(async () => undefined);
      await Promise.all([...laneTails.values()]);
    },
    async cancel(id) {
      const entry = entries.get(id);
      if (!entry || entry.view.finishedAt) return undefined;
      const job = entry.view;
      cancels.get(id)?.abort();
      if (job.state === 'queued') {
        // Never started: it ends here; its place in the line is skipped.
        cancels.delete(id);
        Object.assign(job, { state: 'failed', error: { code: 'CANCELLED', message: 'The job was cancelled before it started.' }, finishedAt: new Date(now()).toISOString() });
        persist(entry);
        changed(job);
        listeners.delete(id);
      }
      return job;
    },
    async resume() {
      if (!files) return 0;
      lastSweep = -Infinity; // sweep what the last run left
      const loaded: Entry[] = [];
      for (const entry of files.readAll()) {
        if (entries.has(entry.view.id)) continue;
        entries.set(entry.view.id, entry);
        loaded.push(entry);
        lastSeq = Math.max(lastSeq, entry.view.seq ?? 0);
      }
      forgetExpired();
      trimMemory();
      const unfinished = loaded.filter((e) => entries.has(e.view.id) && !e.view.finishedAt).sort((a, b) => a.view.createdAt.localeCompare(b.view.createdAt) || (a.view.seq ?? 0) - (b.view.seq ?? 0));
      for (const entry of unfinished) {
        entry.view.state = 'queued';
        enqueue(entry);
      }
      if (unfinished.length > 0) options.logger.log('info', `resumed ${unfinished.length} queued upload job(s)`);
      return unfinished.length;
    },
    async stop(timeoutMs = 5000) {
      stopping = true;
      shutdown.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...running]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}
