/**
 * One error type for the whole library. `code` is stable (tests, the CLI and the
 * server switch on it); `message` says what went wrong and how to fix it.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: { http: 400, exit: 2 },
  NOT_FOUND: { http: 404, exit: 3 },
  UNSUPPORTED_FORMAT: { http: 415, exit: 4 },
  PARSE_FAILED: { http: 422, exit: 4 },
  ENCRYPTED_DOCUMENT: { http: 422, exit: 4 },
  EMPTY_DOCUMENT: { http: 422, exit: 4 },
  BINARY_CONTENT: { http: 415, exit: 4 },
  INVALID_ENCODING: { http: 422, exit: 4 },
  FILE_TOO_LARGE: { http: 413, exit: 4 },
  UNREADABLE_PATH: { http: 400, exit: 4 },
  STORE_CORRUPT: { http: 500, exit: 5 },
  STORE_LOCKED: { http: 503, exit: 5 },
  EMBEDDER_MISMATCH: { http: 409, exit: 6 },
  MODEL_LOAD_FAILED: { http: 500, exit: 7 },
  PROVIDER_ERROR: { http: 502, exit: 7 },
  PROVIDER_UNAVAILABLE: { http: 503, exit: 7 },
  ABORTED: { http: 499, exit: 130 },
  DATASET_INVALID: { http: 400, exit: 2 },
  UNAUTHENTICATED: { http: 401, exit: 8 },
  FORBIDDEN: { http: 403, exit: 8 },
  PAYLOAD_TOO_LARGE: { http: 413, exit: 4 },
  RATE_LIMITED: { http: 429, exit: 9 },
  INTERNAL: { http: 500, exit: 1 },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, exit: 2 },
  LIMIT_EXCEEDED: { http: 413, exit: 4 },
  PORT_IN_USE: { http: 503, exit: 10 },
  STORE_UNAVAILABLE: { http: 503, exit: 5 },
  BACKEND_NOT_INSTALLED: { http: 501, exit: 7 },
  /** Someone else changed the thing between this one's read and write (another replica, another process). */
  CONFLICT: { http: 409, exit: 11 },
} as const satisfies Record<string, { http: number; exit: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TailorError extends Error {
  readonly code: ErrorCode;
  /** Structured facts about the failure (path, line, field…) for JSON output. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TailorError';
    this.code = code;
    this.details = options.details ?? {};
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: { ...this.details } };
  }
}

export function isTailorError(value: unknown): value is TailorError {
  return value instanceof TailorError;
}

/** Wraps anything thrown into a TailorError, keeping the original as `cause`. */
export function toTailorError(value: unknown, fallback: ErrorCode = 'INTERNAL'): TailorError {
  if (value instanceof TailorError) return value;
  if (value instanceof Error && value.name === 'AbortError') {
    return new TailorError('ABORTED', 'The operation was cancelled.', { cause: value });
  }
  const message = value instanceof Error ? value.message : String(value);
  return new TailorError(fallback, message, { cause: value });
}
