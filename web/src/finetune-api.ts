/**
 * The fine-tuning half of the HTTP API (datasets, training, adapters), with the shapes the pages
 * read. Same auth and errors as api.ts; SSE read from fetch bodies so the key can be sent.
 */
import { ApiError, readServerSentEvents, type ServerSentEvent } from './api.js';

// The shapes come from the schemas the server validates with (type-only: nothing of them is bundled).
import type { z } from 'zod';
import type {
  adapterDetailSchema, adapterSummarySchema, datasetIssueSchema, datasetSummarySchema, previewSchema, trainingRunSchema,
} from '../../src/server/finetune/schemas.js';

export type DatasetSummary = z.infer<typeof datasetSummarySchema>;
export type DatasetIssue = z.infer<typeof datasetIssueSchema>;
export type Example = z.infer<typeof previewSchema>['examples'][number];
export type TrainingRun = z.infer<typeof trainingRunSchema>;
export type TrainingStep = TrainingRun['steps'][number];
export type TrainingEpoch = TrainingRun['epochs'][number];
export type AdapterSummary = z.infer<typeof adapterSummarySchema>;
export type AdapterDetail = z.infer<typeof adapterDetailSchema>;
export interface JobState { id: string; state: 'queued' | 'running' | 'done' | 'failed'; done: number; total: number; error?: { code: string; message: string }; result?: unknown }

export interface FinetuneApi {
  datasets(): Promise<{ datasets: DatasetSummary[] }>;
  buildDataset(body: { collection: string; kind: string; name?: string }): Promise<{ jobId: string; dataset: string }>;
  validateDataset(form: FormData): Promise<{ valid: boolean; records: number; examples: number; issues: DatasetIssue[] }>;
  uploadDataset(form: FormData): Promise<{ dataset: DatasetSummary; imported: number; issues: DatasetIssue[] }>;
  examples(name: string, offset: number, limit: number): Promise<{ total: number; examples: Example[] }>;
  splitDataset(name: string, ratios: [number, number, number]): Promise<{ dataset: DatasetSummary }>;
  deleteDataset(name: string): Promise<unknown>;
  models(): Promise<{ models: Array<{ name: string }>; backends: string[] }>;
  runs(): Promise<{ runs: TrainingRun[] }>;
  startTraining(body: { dataset: string; base: string; backend: string; adapter?: string; hyperparameters: Record<string, number> }): Promise<{ jobId: string; adapter: string }>;
  cancelTraining(id: string): Promise<unknown>;
  adapters(): Promise<{ adapters: AdapterSummary[] }>;
  adapter(name: string): Promise<AdapterDetail>;
  deleteAdapter(name: string): Promise<unknown>;
  /** Server-sent events of a job or training run until it ends or `signal` aborts. */
  events(path: string, onEvent: (event: ServerSentEvent) => void, signal?: AbortSignal): Promise<void>;
}

export function createFinetuneApi(getKey: () => string | null): FinetuneApi {
  const enc = encodeURIComponent;
  async function call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    const key = getKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body), signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', 'The Tailor server could not be reached. Is `tailor serve` running?');
    }
    if (!response.ok) {
      let parsed: { error?: { code?: string; message?: string; details?: { issues?: DatasetIssue[] } } } | undefined;
      try {
        parsed = await response.json();
      } catch {
        parsed = undefined;
      }
      const error = new ApiError(response.status, parsed?.error?.code ?? `HTTP_${response.status}`, parsed?.error?.message ?? `The server answered ${response.status}.`);
      (error as ApiError & { issues?: DatasetIssue[] }).issues = parsed?.error?.details?.issues;
      throw error;
    }
    return response;
  }
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await (await call(method, path, body)).json()) as T;
  return {
    datasets: () => json('GET', '/api/datasets'),
    buildDataset: (body) => json('POST', '/api/datasets/build', body),
    validateDataset: (form) => json('POST', '/api/datasets/validate', form),
    uploadDataset: (form) => json('POST', '/api/datasets/upload', form),
    examples: (name, offset, limit) => json('GET', `/api/datasets/${enc(name)}/examples?offset=${offset}&limit=${limit}`),
    splitDataset: (name, ratios) => json('POST', `/api/datasets/${enc(name)}/split`, { ratios }),
    deleteDataset: (name) => json('DELETE', `/api/datasets/${enc(name)}`),
    models: () => json('GET', '/api/training/models'),
    runs: () => json('GET', '/api/training'),
    startTraining: (body) => json('POST', '/api/training', body),
    cancelTraining: (id) => json('POST', `/api/training/${enc(id)}/cancel`),
    adapters: () => json('GET', '/api/adapters'),
    adapter: (name) => json('GET', `/api/adapters/${enc(name)}`),
    deleteAdapter: (name) => json('DELETE', `/api/adapters/${enc(name)}`),
    async events(path, onEvent, signal) {
      const response = await call('GET', path, undefined, signal);
      if (!response.body) return;
      for await (const event of readServerSentEvents(response.body)) onEvent(event);
    },
  };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
