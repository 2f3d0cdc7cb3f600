import { TailorError } from '../../core/errors.js';
import { DEFAULT_MAX_BYTES, formatBytes } from './guards.js';

/**
 * What one file may cost to load. Every loader receives a LoadBudget built from these in
 * `loadDocument`, so the caps live in one place instead of being re-invented per format.
 */
export interface LoadLimits {
  /** Largest file accepted, in bytes (default 100 MB). */
  maxBytes: number;
  /** Most bytes a container format (DOCX, XLSX, PPTX, ODT, EPUB) may inflate to, all parts together (default 64 MB). */
  maxDecompressedBytes: number;
  /** Deepest nesting of elements (HTML, XML) or values (JSON) accepted (default 256: past that, HTML conversion slows sharply — 1,000 levels take ~30 s). */
  maxDepth: number;
  /** Wall time one file may take to load, in milliseconds (default 60 s). Hard under `createIsolatedLoader`: the parse is stopped. */
  maxMillis: number;
  /** JavaScript heap one file's load may use, in MB (default 512); enforced by `createIsolatedLoader`'s worker. */
  maxMemoryMb: number;
}

export const DEFAULT_LIMITS: Readonly<LoadLimits> = {
  maxBytes: DEFAULT_MAX_BYTES,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxMillis: 60_000,
  maxMemoryMb: 512,
};

export function resolveLimits(limits: Partial<LoadLimits> = {}): LoadLimits {
  const resolved = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof LoadLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new TailorError('INVALID_ARGUMENT', `Load limit ${key} must be a positive number (got ${value}).`, { details: { [key]: value } });
    }
    resolved[key] = value;
  }
  return resolved;
}

/** The running account of one file's load against its limits. */
export class LoadBudget {
  readonly limits: LoadLimits;
  private decompressed = 0;
  private readonly started: number;

  constructor(
    readonly path: string,
    limits: Partial<LoadLimits> = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = resolveLimits(limits);
    this.started = now();
  }

  /** Bytes that may still be inflated. */
  get decompressedLeft(): number {
    return Math.max(0, this.limits.maxDecompressedBytes - this.decompressed);
  }

  /** Refuses a container whose parts would inflate past the cap, before any of it is inflated. */
  checkDeclaredSize(bytes: number): void {
    if (bytes > this.limits.maxDecompressedBytes) throw this.decompressionError(bytes, 'declares');
  }

  /** Records inflated bytes; throws once the total passes the cap. */
  addDecompressed(bytes: number): void {
    this.decompressed += bytes;
    if (this.decompressed > this.limits.maxDecompressedBytes) throw this.decompressionError(this.decompressed, 'inflates to');
  }

  decompressionError(bytes: number, verb: 'declares' | 'inflates to'): TailorError {
    const cap = this.limits.maxDecompressedBytes;
    return new TailorError(
      'LIMIT_EXCEEDED',
      `${this.path} ${verb} more than ${formatBytes(verb === 'declares' ? bytes : cap)} of content, over the ${formatBytes(cap)} cap on decompressed size ` +
        `(a zip bomb, or a very large document). If the file is genuine, split it or raise the cap (CLI: --max-decompressed-bytes ${Math.max(bytes, cap * 2)}).`,
      { details: { path: this.path, limit: 'maxDecompressedBytes', maxDecompressedBytes: cap, bytes } },
    );
  }

  checkDepth(depth: number, what: string): void {
    if (depth <= this.limits.maxDepth) return;
    throw this.depthError(what);
  }

  depthError(what: string, cause?: unknown): TailorError {
    return new TailorError(
      'LIMIT_EXCEEDED',
      `${this.path} nests ${what} more than ${this.limits.maxDepth} levels deep; real documents stay far below that. ` +
        `If the file is genuine, flatten it or raise the cap (CLI: --max-depth).`,
      { cause, details: { path: this.path, limit: 'maxDepth', maxDepth: this.limits.maxDepth } },
    );
  }

  /** Called between a loader's stages: a file that has used its time is stopped there. */
  checkTime(stage: string): void {
    const elapsed = this.now() - this.started;
    if (elapsed <= this.limits.maxMillis) return;
    throw timeLimitError(this.path, this.limits.maxMillis, elapsed, `after ${stage}`);
  }
}

/** A load past its wall time: between stages (`after parsing CSV`) or interrupted mid-parse (`while parsing`). */
export function timeLimitError(path: string, maxMillis: number, elapsedMs: number, stage: string): TailorError {
  return new TailorError(
    'LIMIT_EXCEEDED',
    `${path} took ${(elapsedMs / 1000).toFixed(1)} s to load (stopped ${stage}), over the ${formatSeconds(maxMillis)} s limit per file (maxMillis). ` +
      `Split the file, or raise the limit (CLI: --max-seconds ${formatSeconds(maxMillis * 4)}).`,
    { details: { path, limit: 'maxMillis', maxMillis, elapsedMs: Math.round(elapsedMs), stage } },
  );
}

/** A load that needed more JavaScript heap than its cap: the worker parsing it ran out and was stopped. */
export function memoryLimitError(path: string, maxMemoryMb: number, cause?: unknown): TailorError {
  return new TailorError(
    'LIMIT_EXCEEDED',
    `${path} needed more than ${maxMemoryMb} MB of memory to load, over the cap per file (maxMemoryMb); the parse was stopped. ` +
      `Split the file, or raise the cap (CLI: --max-memory-mb ${maxMemoryMb * 2}).`,
    { cause, details: { path, limit: 'maxMemoryMb', maxMemoryMb } },
  );
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
