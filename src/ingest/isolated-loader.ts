import { Worker, type WorkerOptions } from 'node:worker_threads';
import { TailorError, type ErrorCode } from '../core/errors.js';
import type { DocumentFormat, LoadedDocument } from '../core/types.js';
import { memoryLimitError, resolveLimits, timeLimitError } from './loaders/budget.js';
import type { LoadOptions } from './loaders/index.js';
import type { ParseReply, ParseRequest, ParseResult } from './parse-worker.js';
import type { PrepareInput, PreparedDocument } from './prepare.js';

/**
 * Loads (and, for ingest, prepares) files in a worker thread so that LoadBudget's wall time and
 * memory are hard limits: a parse stuck in one synchronous call (a quadratic regex, a huge table) is
 * stopped by terminating the worker at `maxMillis`, and a parse that needs more than `maxMemoryMb` of
 * heap dies in its worker (V8's resourceLimits), not in the process. One worker is reused across files
 * (decision 0052: a warm worker costs no measurable time per small file; starting one costs a few
 * hundred ms), and replaced after it is stopped. Loads run one at a time, in call order.
 */
export interface IsolatedLoader {
  load(input: FileInput, options?: IsolatedLoadOptions): Promise<LoadedDocument>;
  /** Loads and prepares (redacts, signs, chunks) in the worker: the main thread gets only the stored form. */
  prepare(input: FileInput, options: IsolatedLoadOptions, prepare: Omit<PrepareInput, 'loaded'>): Promise<{ prepared: PreparedDocument; warnings?: string[] }>;
  /** Starts the worker now (it takes a few hundred ms), so that it is ready when the first file comes. */
  warm(options?: IsolatedLoadOptions): void;
  /** Stops the worker; later loads start a new one. */
  close(): Promise<void>;
}

type FileInput = { path: string; bytes: Uint8Array; format?: DocumentFormat };
/**
 * `transfer` hands the bytes' buffer to the worker instead of copying it (the caller's view is emptied);
 * `abortSignal` stops a parse in progress (the worker is terminated) with ABORTED.
 */
type IsolatedLoadOptions = LoadOptions & { transfer?: boolean; abortSignal?: AbortSignal };

/**
 * The worker's young generation. Left to V8, a heap capped at `maxMemoryMb` gets a small one, and
 * parsers that make many short-lived objects (linkedom, Readability) then spent ~50% more CPU in GC
 * than on the main thread; 32 MB brings them close (64 MB was no faster and cost ~40 MB more RSS; decision 0052).
 */
const YOUNG_GENERATION_MB = 32;
/**
 * A worker whose heap has grown past this after a load (a large file, a refused bomb) is replaced:
 * V8 keeps a grown heap and its garbage, which would otherwise stay in the process's RSS for the
 * rest of the ingest. A fresh worker costs ~100 ms, paid only after such files.
 */
const RECYCLE_HEAP_MB = 96;

/** The worker script beside this module: parse-worker.js when built, parse-worker.ts under tsx. */
function workerUrl(): URL {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./parse-worker${extension}`, import.meta.url);
}

/**
 * The built worker starts from its file. Under tsx (tests importing sources) a .ts entry is not
 * covered by an inherited `--import tsx` on Node 20, so a small bootstrap registers tsx's loader
 * in the worker first and then imports the entry.
 */
function newWorker(url: URL, options: WorkerOptions): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
  maxMemoryMb: number;
  /** Set while a load is in flight: how the worker's death is reported. */
  onDeath?: (error: unknown) => void;
  dead: boolean;
}

export function createIsolatedLoader(): IsolatedLoader {
  let running: Running | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let nextId = 1;

  function start(maxMemoryMb: number): Running {
    const url = workerUrl();
    const worker = newWorker(url, {
      resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      // The worker's output is the parent's: a loader library's console.warn reaches stderr as before.
      stdout: false,
      stderr: false,
    });
    const state: Running = { worker, maxMemoryMb, dead: false, ready: Promise.resolve() };
    state.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: ParseReply) => {
        if (message.type !== 'ready') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      state.onDeath = (error) => reject(startError(error));
    });
    worker.on('error', (error) => {
      state.dead = true;
      state.onDeath?.(error);
    });
    worker.on('exit', (code) => {
      state.dead = true;
      state.onDeath?.(new Error(`the loader worker exited (code ${code})`));
    });
    worker.unref();
    return state;
  }

  async function parseOne(input: FileInput, options: IsolatedLoadOptions, prepare?: Omit<PrepareInput, 'loaded'>): Promise<ParseResult> {
    const limits = resolveLimits({ ...options.limits, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
    if (running && (running.dead || running.maxMemoryMb !== limits.maxMemoryMb)) {
      await running.worker.terminate();
      running = undefined;
    }
    const state = (running ??= start(limits.maxMemoryMb));
    state.worker.ref();
    try {
      await state.ready;
      const id = nextId++;
      const request: ParseRequest = { id, path: input.path, bytes: input.bytes, format: input.format, options: { maxBytes: options.maxBytes, limits: options.limits }, prepare };
      // Handing the bytes over saves a copy of the file, but only a view of its whole buffer can move.
      const whole = input.bytes.byteOffset === 0 && input.bytes.byteLength === input.bytes.buffer.byteLength && !(input.bytes.buffer instanceof SharedArrayBuffer);
      const started = performance.now();
      return await new Promise<ParseResult>((resolve, reject) => {
        const stop = (error: TailorError) => {
          settle();
          state.dead = true;
          void state.worker.terminate();
          reject(error);
        };
        const timer = setTimeout(() => {
          stop(timeLimitError(input.path, limits.maxMillis, performance.now() - started, 'while parsing: the parse was interrupted'));
        }, limits.maxMillis);
        const onAbort = () => stop(new TailorError('ABORTED', `Loading ${input.path} was cancelled.`, { details: { path: input.path } }));
        options.abortSignal?.addEventListener('abort', onAbort, { once: true });
        const settle = () => {
          clearTimeout(timer);
          options.abortSignal?.removeEventListener('abort', onAbort);
          state.worker.off('message', onMessage);
          state.onDeath = undefined;
        };
        const onMessage = (reply: ParseReply) => {
          if (reply.type === 'ready' || reply.id !== id) return;
          settle();
          if (reply.heapMb > RECYCLE_HEAP_MB) state.dead = true;
          if (reply.type === 'done') resolve(reply.result);
          else reject(new TailorError(reply.error.code as ErrorCode, reply.error.message, { details: reply.error.details }));
        };
        state.onDeath = (error) => {
          settle();
          reject(deathError(input.path, limits.maxMemoryMb, error));
        };
        state.worker.on('message', onMessage);
        if (options.abortSignal?.aborted) return onAbort();
        state.worker.postMessage(request, options.transfer && whole ? [input.bytes.buffer as ArrayBuffer] : []);
      });
    } finally {
      if (!state.dead) state.worker.unref();
      else if (running === state) {
        running = undefined;
        void state.worker.terminate();
      }
    }
  }

  function enqueue(input: FileInput, options: IsolatedLoadOptions, prepare?: Omit<PrepareInput, 'loaded'>): Promise<ParseResult> {
    const result = queue.then(() => parseOne(input, options, prepare));
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    warm(options = {}) {
      running ??= start(resolveLimits(options.limits).maxMemoryMb);
      // A worker that fails to start is reported by the first load that needs it.
      running.ready.catch(() => undefined);
    },
    async load(input, options = {}) {
      const result = await enqueue(input, options);
      if (!('document' in result)) throw new Error('unreachable: a load without prepare returns the document');
      return result.document;
    },
    async prepare(input, options, prepare) {
      const result = await enqueue(input, options, prepare);
      if (!('prepared' in result)) throw new Error('unreachable: a load with prepare returns the prepared document');
      return result;
    },
    async close() {
      await queue;
      const state = running;
      running = undefined;
      if (state) {
        state.onDeath = undefined;
        await state.worker.terminate();
      }
    },
  };
}

/** A worker that died mid-load: out of heap (the file's memory cap), or something unforeseen. */
function deathError(path: string, maxMemoryMb: number, error: unknown): TailorError {
  if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') return memoryLimitError(path, maxMemoryMb, error);
  const message = error instanceof Error ? error.message : String(error);
  return new TailorError('PARSE_FAILED', `Could not read ${path}: the loader stopped unexpectedly (${message}).`, { cause: error, details: { path } });
}

function startError(error: unknown): TailorError {
  const message = error instanceof Error ? error.message : String(error);
  return new TailorError('INTERNAL', `The file loader's worker thread did not start: ${message}. Check that Tailor's dist/ folder is complete (npm run build).`, { cause: error });
}
