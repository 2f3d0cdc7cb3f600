import { TailorError } from '../../core/errors.js';
import type { FetchFunction } from '../types.js';
import { abortedError } from '../shared/abort.js';

/** What every HTTP-backed provider is configured with (Vercel AI SDK style). */
export interface HttpProviderSettings {
  /** e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`; endpoint paths are appended. */
  baseURL: string;
  apiKey?: string;
  /** Injected for tests and proxies; defaults to the global fetch. */
  fetch?: FetchFunction;
  headers?: Record<string, string>;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export function endpointURL(baseURL: string, path: string): string {
  return baseURL.replace(/\/+$/, '') + path;
}

/** POSTs JSON and returns the response once its status is 2xx; every failure becomes a TailorError. */
export async function postJson(
  settings: HttpProviderSettings,
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Response> {
  const url = endpointURL(settings.baseURL, path);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...settings.headers };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  const fetchFn = settings.fetch ?? globalThis.fetch;

  let response: Response;
  try {
    response = await fetchFn(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
  } catch (error) {
    throw mapFetchFailure(error, url, signal, what);
  }
  if (!response.ok) throw await httpStatusError(response, url, what);
  return response;
}

export async function readJson(response: Response, url: string, signal: AbortSignal | undefined, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw mapFetchFailure(error, url, signal, what);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TailorError('PROVIDER_ERROR', `${what}: ${url} answered with something that is not JSON: ${snippet(text)}`, {
      cause: error,
      details: { url },
    });
  }
}

export function mapFetchFailure(error: unknown, url: string, signal: AbortSignal | undefined, what: string): TailorError {
  if (error instanceof TailorError) return error;
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError(what, error);
  const code = networkErrorCode(error);
  if (code && NETWORK_ERROR_CODES.has(code)) {
    return new TailorError(
      'PROVIDER_UNAVAILABLE',
      `${what}: could not reach ${url} (${code}). Check that the server is running and the base URL is right.`,
      { cause: error, details: { url, code } },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TailorError('PROVIDER_UNAVAILABLE', `${what}: request to ${url} failed: ${message}`, {
    cause: error,
    details: { url, ...(code ? { code } : {}) },
  });
}

function networkErrorCode(error: unknown): string | undefined {
  // Node's fetch wraps socket errors as TypeError('fetch failed') with the real error as `cause`.
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function httpStatusError(response: Response, url: string, what: string): Promise<TailorError> {
  const body = await response.text().catch(() => '');
  const serverMessage = extractServerMessage(body);
  const hint =
    response.status === 401 || response.status === 403
      ? ' Check the API key.'
      : response.status === 404
        ? ' Check the base URL and the model name.'
        : '';
  return new TailorError('PROVIDER_ERROR', `${what}: ${url} answered HTTP ${response.status}: ${serverMessage}${hint}`, {
    details: { url, status: response.status, serverMessage },
  });
}

/** Finds the human message in the error shapes servers use: OpenAI, FastAPI, plain text. */
export function extractServerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const error = parsed.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
    for (const key of ['message', 'detail']) {
      if (typeof parsed[key] === 'string') return parsed[key] as string;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return snippet(body) || '(empty body)';
}

function snippet(text: string): string {
  const t = text.trim();
  return t.length > 300 ? t.slice(0, 300) + '…' : t;
}
