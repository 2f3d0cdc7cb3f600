import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, toTailorError, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * The one table from TailorError codes to the OpenAI-style `error.type` that
 * OpenAI clients switch on; the HTTP status comes from ERROR_CODES itself.
 */
const OPENAI_TYPES: Record<ErrorCode, string> = {
  INVALID_ARGUMENT: 'invalid_request_error',
  NOT_FOUND: 'not_found_error',
  UNSUPPORTED_FORMAT: 'invalid_request_error',
  PARSE_FAILED: 'invalid_request_error',
  ENCRYPTED_DOCUMENT: 'invalid_request_error',
  EMPTY_DOCUMENT: 'invalid_request_error',
  BINARY_CONTENT: 'invalid_request_error',
  INVALID_ENCODING: 'invalid_request_error',
  FILE_TOO_LARGE: 'invalid_request_error',
  UNREADABLE_PATH: 'invalid_request_error',
  STORE_CORRUPT: 'server_error',
  STORE_LOCKED: 'server_error',
  EMBEDDER_MISMATCH: 'invalid_request_error',
  MODEL_LOAD_FAILED: 'server_error',
  PROVIDER_ERROR: 'server_error',
  PROVIDER_UNAVAILABLE: 'server_error',
  ABORTED: 'server_error',
  DATASET_INVALID: 'invalid_request_error',
  UNAUTHENTICATED: 'authentication_error',
  FORBIDDEN: 'permission_error',
  PAYLOAD_TOO_LARGE: 'invalid_request_error',
  RATE_LIMITED: 'rate_limit_error',
  INTERNAL: 'server_error',
  UNSUPPORTED_MEDIA_TYPE: 'invalid_request_error',
  LIMIT_EXCEEDED: 'invalid_request_error',
  PORT_IN_USE: 'server_error',
  STORE_UNAVAILABLE: 'server_error',
  BACKEND_NOT_INSTALLED: 'server_error',
  CONFLICT: 'invalid_request_error',
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; type: string; param: string | null; details?: Record<string, unknown> };
}

export function errorBody(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const e = toTailorError(error);
  // Internal failures keep their message in the log, not in the response.
  const message = e.code === 'INTERNAL' ? 'The server failed unexpectedly; the error is in its log.' : e.message;
  const details = e.code === 'INTERNAL' || Object.keys(e.details).length === 0 ? undefined : { ...e.details };
  return {
    status: ERROR_CODES[e.code].http as ContentfulStatusCode,
    body: { error: { code: e.code, message, type: OPENAI_TYPES[e.code], param: typeof e.details.param === 'string' ? e.details.param : null, ...(details ? { details } : {}) } },
  };
}

export function createErrorHandler(logger: Logger) {
  return (error: unknown, c: Context): Response => {
    const { status, body } = errorBody(error);
    if (status >= 500) logger.log('error', `${c.req.method} ${c.req.path}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    const retryAfter = toTailorError(error).details.retryAfterSeconds;
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    return c.json(body, status);
  };
}
