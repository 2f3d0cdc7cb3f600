import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError, type ErrorCode } from '../../core/errors.js';
import type { FetchFunction } from '../../providers/types.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import type { TrainOptions } from '../trainer.js';

/**
 * The little HTTP a jobs API needs, for providers without an SDK we depend on: JSON in and out,
 * multipart uploads, and errors mapped to Tailor's codes with the provider's own message.
 */
export interface JsonApi {
  request<T>(what: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  upload<T>(what: string, path: string, form: FormData, signal?: AbortSignal): Promise<T>;
}

export function createJsonApi(settings: { baseURL: string; apiKey?: string; fetch?: FetchFunction; keyName: string; urlName: string }): JsonApi {
  const doFetch = settings.fetch ?? fetch;
  const base = settings.baseURL.replace(/\/+$/, '');
  const headers = (): Record<string, string> => (settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {});

  async function send<T>(what: string, method: string, path: string, init: { body?: string | FormData; headers?: Record<string, string> }, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, body: init.body, headers: { ...headers(), ...init.headers }, signal });
    } catch (cause) {
      if ((cause as Error)?.name === 'AbortError') throw new TailorError('ABORTED', `Cancelled while trying to ${what}.`, { cause });
      throw new TailorError('PROVIDER_UNAVAILABLE', `Could not ${what}: ${(cause as Error)?.message ?? String(cause)}. Check ${settings.urlName} and the network.`, { cause, details: { url: `${base}${path}` } });
    }
    const text = await response.text();
    if (!response.ok) {
      const status = response.status;
      const code: ErrorCode = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 429 ? 'RATE_LIMITED' : status === 404 ? 'NOT_FOUND' : 'PROVIDER_ERROR';
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
        message = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? message;
      } catch {
        // Not JSON: keep the start of the body.
      }
      const hint = status === 401 ? ` Check ${settings.keyName}.` : '';
      throw new TailorError(code, `Could not ${what}: HTTP ${status} ${message}.${hint}`, { details: { status, url: `${base}${path}` } });
    }
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch (cause) {
      throw new TailorError('PROVIDER_ERROR', `Could not ${what}: the server answered with something that is not JSON.`, { cause });
    }
  }

  return {
    request: (what, method, path, body, signal) =>
      send(what, method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }, signal),
    upload: (what, path, form, signal) => send(what, 'POST', path, { body: form }, signal),
  };
}

/** Training examples as chat JSONL, the format every jobs API takes. */
export function chatJsonl(examples: TrainOptions['train']): Blob {
  return new Blob([examples.map((e) => JSON.stringify({ messages: e.messages })).join('\n') + '\n'], { type: 'application/jsonl' });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `outputDir/job.json`: what an interrupted run needs to resume polling the same remote job. */
export async function readJobFile<T>(dir: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'job.json'), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export async function writeJobFile(dir: string, record: unknown): Promise<void> {
  await writeFileAtomic(join(dir, 'job.json'), JSON.stringify(record, null, 2) + '\n');
}
