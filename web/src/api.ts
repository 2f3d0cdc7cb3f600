/**
 * The HTTP client for Tailor's server: Bearer auth from the stored key, JSON errors
 * turned into ApiError, SSE read from fetch bodies (EventSource cannot send an
 * Authorization header), uploads through XMLHttpRequest for byte progress.
 */
import type {
  Advice, AnswerWithTrace, ApiChatCompletion, ApiKeyCreated, ApiKeySummary, ApiMe, ApiModelList, ApiSettings, ApiTraceRecord, ArenaRun, ArenaRunSummary,
  AskRequestBody, ChatCompletionRequestBody, CollectionInfo, SearchRequestBody, CreateKeyRequestBody, DocumentDetail, DocumentListItem, Job, RetrieveResult,
  StartArenaBody,
} from './types.js';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** POST /api/ask's body (the server's zod schema); `stream` is the client's choice. `history` resolves follow-ups. */
export type AskRequest = Omit<AskRequestBody, 'stream'>;

/** POST /api/search's body, as the server validates it. */
export type SearchRequest = SearchRequestBody;

export interface ApiClient {
  health(): Promise<{ ok: boolean; version?: string }>;
  collections(): Promise<CollectionInfo[]>;
  createCollection(name: string): Promise<{ name: string }>;
  documents(collection: string): Promise<DocumentListItem[]>;
  document(id: string): Promise<DocumentDetail>;
  /** The original file as a blob (for the PDF view); NOT_FOUND when it is not on disk. */
  documentFile(id: string): Promise<Blob>;
  deleteDocument(id: string): Promise<unknown>;
  search(request: SearchRequest): Promise<RetrieveResult>;
  ask(request: AskRequest, onDelta: (text: string) => void, signal?: AbortSignal): Promise<AnswerWithTrace>;
  upload(collection: string, files: File[], onProgress: (loaded: number, total: number) => void): Promise<{ jobId: string }>;
  job(id: string): Promise<Job>;
  arenaRuns(): Promise<{ runs: ArenaRunSummary[] }>;
  /** Starts an arena run as a job (editors); follow /api/jobs/:jobId/events, then read the run. */
  startArena(body: StartArenaBody): Promise<{ jobId: string; runId: string; events: string }>;
  arenaRun(id: string): Promise<ArenaRun>;
  /** The run's self-contained HTML report, as text (shown in a sandboxed frame). */
  arenaReport(id: string): Promise<string>;
  /** Where the report is served (opens directly when the server runs without keys). */
  arenaReportUrl(id: string): string;
  advicePresets(): Promise<{ presets: Array<{ name: string; description: string }> }>;
  /** `tailor advise` on a run's measurements, from a preset's criteria. */
  arenaAdvice(id: string, preset?: string): Promise<Advice>;
  me(): Promise<ApiMe>;
  settings(): Promise<ApiSettings>;
  traces(limit?: number): Promise<ApiTraceRecord[]>;
  trace(id: string): Promise<ApiTraceRecord>;
  keys(): Promise<ApiKeySummary[]>;
  createKey(body: CreateKeyRequestBody): Promise<ApiKeyCreated>;
  revokeKey(id: string): Promise<{ id: string; revoked: true }>;
  models(): Promise<ApiModelList>;
  chatCompletion(body: ChatCompletionRequestBody, signal?: AbortSignal): Promise<ApiChatCompletion>;
}

export function createApiClient(options: { baseUrl?: string; getKey: () => string | null; onSuccess?: () => void }): ApiClient {
  const base = options.baseUrl ?? '';

  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const key = options.getKey();
    return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
  }

  async function request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', 'The Tailor server could not be reached. Is `tailor serve` running?');
    }
    if (!response.ok) throw await toApiError(response);
    options.onSuccess?.();
    return response;
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await request(method, path, body);
    return (await response.json()) as T;
  }

  const enc = encodeURIComponent;

  return {
    health: () => json('GET', '/health'),
    collections: () => json('GET', '/api/collections'),
    createCollection: (name) => json('POST', '/api/collections', { name }),
    documents: (collection) => json('GET', `/api/collections/${enc(collection)}/documents`),
    document: (id) => json('GET', `/api/documents/${enc(id)}`),
    documentFile: async (id) => (await request('GET', `/api/documents/${enc(id)}/file`)).blob(),
    deleteDocument: (id) => json('DELETE', `/api/documents/${enc(id)}`),
    search: (body) => json('POST', '/api/search', body),
    job: (id) => json('GET', `/api/jobs/${enc(id)}`),
    arenaRuns: () => json('GET', '/api/arena/runs'),
    startArena: (body) => json('POST', '/api/arena/runs', body),
    arenaRun: (id) => json('GET', `/api/arena/runs/${enc(id)}`),
    arenaReport: async (id) => (await request('GET', `/api/arena/runs/${enc(id)}/report`)).text(),
    arenaReportUrl: (id) => `${base}/api/arena/runs/${enc(id)}/report`,
    advicePresets: () => json('GET', '/api/arena/presets'),
    me: () => json('GET', '/api/me'),
    settings: () => json('GET', '/api/settings'),
    traces: (limit = 200) => json('GET', `/api/traces?limit=${limit}`),
    trace: (id) => json('GET', `/api/traces/${enc(id)}`),
    keys: () => json('GET', '/api/keys'),
    createKey: (body) => json('POST', '/api/keys', body),
    revokeKey: (id) => json('DELETE', `/api/keys/${enc(id)}`),
    models: () => json('GET', '/v1/models'),
    chatCompletion: async (body, signal) => (await request('POST', '/v1/chat/completions', { ...body, stream: false }, signal)).json(),
    arenaAdvice: (id, preset) => json('GET', `/api/arena/runs/${enc(id)}/advice${preset ? `?preset=${enc(preset)}` : ''}`),

    async ask(body, onDelta, signal) {
      const response = await request('POST', '/api/ask', { ...body, stream: true }, signal);
      const type = response.headers.get('content-type') ?? '';
      // A server may answer without streaming; accept the plain JSON Answer too.
      if (!type.includes('text/event-stream') || !response.body) {
        const answer = (await response.json()) as AnswerWithTrace;
        onDelta(answer.text);
        return answer;
      }
      let answer: AnswerWithTrace | undefined;
      for await (const event of readServerSentEvents(response.body)) {
        const data = parseJson(event.data);
        if (event.event === 'delta') {
          onDelta(String((data as { text?: unknown })?.text ?? ''));
        } else if (event.event === 'answer') {
          answer = unwrapAnswer(data);
        } else if (event.event === 'error') {
          const error = (data as { error?: { code?: string; message?: string } })?.error ?? {};
          throw new ApiError(500, error.code ?? 'INTERNAL', error.message ?? 'The answer failed on the server.');
        }
      }
      if (!answer) throw new ApiError(502, 'INCOMPLETE_STREAM', 'The answer stream ended before the final answer arrived.');
      return answer;
    },

    upload(collection, files, onProgress) {
      return new Promise((resolve, reject) => {
        const form = new FormData();
        for (const file of files) form.append('files', file, file.name);
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${base}/api/collections/${enc(collection)}/documents`);
        for (const [name, value] of Object.entries(headers())) xhr.setRequestHeader(name, value);
        xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
        xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted: the server could not be reached.'));
        xhr.onload = () => {
          const body = parseJson(xhr.responseText);
          if (xhr.status >= 200 && xhr.status < 300) resolve(body as { jobId: string });
          else reject(errorFromBody(xhr.status, body));
        };
        xhr.send(form);
      });
    },
  };
}

/** The `answer` event carries the Answer and its traceId, either flat or as { answer, traceId }. */
function unwrapAnswer(data: unknown): AnswerWithTrace {
  const record = data as { answer?: AnswerWithTrace; traceId?: string } & Partial<AnswerWithTrace>;
  if (record && typeof record.answer === 'object' && record.answer !== null && !('text' in record && typeof record.text === 'string')) {
    return { ...record.answer, traceId: record.traceId ?? record.answer.traceId };
  }
  return record as AnswerWithTrace;
}

export interface ServerSentEvent {
  event: string;
  data: string;
}

/** Parses an SSE byte stream (text/event-stream) into events, per the WHATWG rules that matter here. */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { event, data: data.join('\n') };
          event = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
    }
    if (data.length > 0) yield { event, data: data.join('\n') };
  } finally {
    reader.releaseLock();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  return errorFromBody(response.status, parseJson(await response.text()));
}

function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (error?.message) return new ApiError(status, error.code ?? 'ERROR', error.message);
  if (status === 401) return new ApiError(status, 'UNAUTHENTICATED', 'The server needs an API key: set one under “API key”.');
  if (status === 403) return new ApiError(status, 'FORBIDDEN', 'This API key is not allowed to do that.');
  return new ApiError(status, 'HTTP_' + status, `The server answered ${status}.`);
}
