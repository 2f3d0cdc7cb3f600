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
  /** Wall time one file may take to load, in milliseconds (default 60 s). */
  maxMillis: number;
}

export const DEFAULT_LIMITS: Readonly<LoadLimits> = {
  maxBytes: DEFAULT_MAX_BYTES,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxDepth: 256,
  maxMillis: 60_000,
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
    throw new TailorError(
      'LIMIT_EXCEEDED',
      `${this.path} took ${(elapsed / 1000).toFixed(1)} s to load (stopped after ${stage}), over the ${(this.limits.maxMillis / 1000).toFixed(0)} s limit per file. ` +
        `Split the file, or raise the limit (CLI: --max-seconds).`,
      { details: { path: this.path, limit: 'maxMillis', maxMillis: this.limits.maxMillis, elapsedMs: Math.round(elapsed), stage } },
    );
  }
}
