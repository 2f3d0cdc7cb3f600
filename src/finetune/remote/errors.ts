import { TailorError, type ErrorCode } from '../../core/errors.js';

/** Maps the SDK's HTTP errors to Tailor's codes, keeping the server's message. */
export function toTailorApiError(error: unknown, what: string): TailorError {
  if (error instanceof TailorError) return error;
  const e = error as { status?: number; message?: string; name?: string };
  if (e?.name === 'APIUserAbortError' || e?.name === 'AbortError') return new TailorError('ABORTED', `Cancelled while trying to ${what}.`, { cause: error });
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const code: ErrorCode = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 429 ? 'RATE_LIMITED' : status === undefined ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_ERROR';
  const hint = status === 401 ? ' Check OPENAI_API_KEY.' : status === undefined ? ' Check OPENAI_BASE_URL and the network.' : '';
  return new TailorError(code, `Could not ${what}: ${e?.message ?? String(error)}.${hint}`, { cause: error, details: { status } });
}
