import { mkdir } from 'node:fs/promises';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult, FetchFunction } from '../../providers/types.js';
import type { Trainer, TrainOptions, TrainResult } from '../trainer.js';
import { chatJsonl, createJsonApi, readJobFile, sleep, writeJobFile } from './http.js';

export interface TogetherFineTuneSettings {
  apiKey?: string;
  /** API root (default https://api.together.ai/v1). */
  baseURL?: string;
  fetch?: FetchFunction;
  /** How often the job is polled (default 15 s). */
  pollIntervalMs?: number;
  /** Added to the fine-tuned model's name. */
  suffix?: string;
  logger?: Logger;
}

export const TOGETHER_BASE_URL = 'https://api.together.ai/v1';

interface TogetherJob {
  id: string;
  status: string;
  model_output_name?: string | null;
  token_count?: number | null;
  total_price?: number | null;
  events?: TogetherEvent[];
}

interface TogetherEvent {
  created_at: string;
  message: string;
  type: string;
  level?: string | null;
  step?: number;
  total_steps?: number;
}

interface JobRecord {
  provider: 'together';
  jobId: string;
  trainingFile: string;
  validationFile?: string;
  baseURL: string;
  createdAt: string;
}

/** Documented FinetuneJobStatus values that end a job. */
const TERMINAL = new Set(['completed', 'error', 'cancelled']);

/**
 * Fine-tuning through Together AI's documented API: POST /files/upload (multipart: file, file_name,
 * purpose=fine-tune), POST /fine-tunes (LoRA by default), then GET /fine-tunes/{id}, its /events and
 * /metrics until the status is completed; the result is `model_output_name`, servable through
 * Together's OpenAI-compatible chat API. Cancelling the signal calls POST /fine-tunes/{id}/cancel.
 */
export function createTogetherFineTuneTrainer(settings: TogetherFineTuneSettings = {}): Trainer {
  const logger = settings.logger ?? silentLogger;
  const baseURL = settings.baseURL ?? TOGETHER_BASE_URL;
  return {
    backend: 'together',
    async doTrain(options: TrainOptions): Promise<CallResult<TrainResult>> {
      if (options.train.length === 0) throw new TailorError('DATASET_INVALID', 'There are no training examples to upload.');
      if (!settings.apiKey) throw new TailorError('UNAUTHENTICATED', 'Together AI fine-tuning needs an API key: set TOGETHER_API_KEY.');
      const api = createJsonApi({ baseURL, apiKey: settings.apiKey, fetch: settings.fetch, keyName: 'TOGETHER_API_KEY', urlName: 'TOGETHER_BASE_URL' });
      const warnings: string[] = [];
      if (options.gradientAccumulation !== undefined || options.targetModules !== undefined || options.earlyStoppingPatience !== undefined) {
        warnings.push('Together AI chooses gradient accumulation, target modules and stopping itself: those settings were ignored.');
      }
      const started = Date.now();
      await mkdir(options.outputDir, { recursive: true });
      const upload = async (examples: TrainOptions['train'], name: string) => {
        const form = new FormData();
        form.set('purpose', 'fine-tune');
        form.set('file_name', name);
        form.set('file_type', 'jsonl');
        form.set('file', chatJsonl(examples), name);
        return api.upload<{ id: string }>(`upload ${name} to Together AI`, '/files/upload', form, options.abortSignal);
      };

      let record = options.resumeFrom ? await readJobFile<JobRecord>(options.resumeFrom) : undefined;
      if (record && record.provider !== 'together') record = undefined;
      if (!record) {
        const training = await upload(options.train, 'train.jsonl');
        const validation = options.validation && options.validation.length > 0 ? await upload(options.validation, 'validation.jsonl') : undefined;
        const lora = (options.method ?? 'lora') === 'lora';
        const rank = options.rank ?? 8;
        const body: Record<string, unknown> = {
          model: options.baseModel,
          training_file: training.id,
          ...(validation ? { validation_file: validation.id, n_evals: Math.max(1, options.epochs ?? 1) } : {}),
          ...(options.epochs !== undefined ? { n_epochs: options.epochs } : {}),
          ...(options.batchSize !== undefined ? { batch_size: options.batchSize } : {}),
          ...(options.learningRate !== undefined ? { learning_rate: options.learningRate } : {}),
          ...(options.weightDecay !== undefined ? { weight_decay: options.weightDecay } : {}),
          ...(options.maxSeqLen !== undefined ? { max_seq_length: options.maxSeqLen } : {}),
          ...(options.seed !== undefined ? { random_seed: options.seed } : {}),
          ...(settings.suffix ? { suffix: settings.suffix } : {}),
          training_method: { method: 'sft', train_on_inputs: 'auto' },
          training_type: lora ? { type: 'Lora', lora_r: rank, lora_alpha: options.alpha ?? rank * 2 } : { type: 'Full' },
        };
        const job = await api.request<TogetherJob>('create the Together AI fine-tuning job', 'POST', '/fine-tunes', body, options.abortSignal);
        record = { provider: 'together', jobId: job.id, trainingFile: training.id, validationFile: validation?.id, baseURL, createdAt: new Date().toISOString() };
        await writeJobFile(options.outputDir, record);
        logger.log('info', 'fine-tuning job created', { jobId: job.id });
      }

      const jobId = encodeURIComponent(record.jobId);
      const seen = new Set<string>();
      let totalSteps = 0;
      const pollMs = settings.pollIntervalMs ?? 15_000;
      for (;;) {
        if (options.abortSignal?.aborted) {
          await api.request('cancel the Together AI job', 'POST', `/fine-tunes/${jobId}/cancel`).catch((error) => logger.log('warn', 'could not cancel the remote job', { jobId: record!.jobId, error: String(error) }));
          throw new TailorError('ABORTED', `Training was cancelled; the Together AI job ${record.jobId} was asked to cancel.`, { details: { jobId: record.jobId } });
        }
        const job = await api.request<TogetherJob>('read the Together AI job', 'GET', `/fine-tunes/${jobId}`);
        const events = await api.request<{ data: TogetherEvent[] }>('read the job events', 'GET', `/fine-tunes/${jobId}/events`);
        for (const event of events.data ?? []) {
          const key = `${event.created_at}|${event.type}|${event.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (typeof event.total_steps === 'number' && event.total_steps > 0) totalSteps = event.total_steps;
          logger.log(event.level === 'error' ? 'error' : event.level === 'warning' ? 'warn' : 'info', `remote job: ${event.message}`, { jobId: record.jobId });
        }
        const metrics = await readMetrics(api, jobId);
        const last = metrics.train.at(-1);
        if (last) {
          const elapsed = (Date.now() - started) / 1000;
          const total = Math.max(totalSteps, last.step);
          options.onProgress?.({ step: last.step, totalSteps: total, epoch: 0, loss: last.loss, tokensPerSecond: 0, etaSeconds: last.step > 0 ? (elapsed / last.step) * Math.max(0, total - last.step) : 0 });
        }
        if (TERMINAL.has(job.status)) {
          if (job.status === 'error') {
            const reason = [...(events.data ?? [])].reverse().find((e) => e.type === 'job_error' || e.level === 'error')?.message;
            throw new TailorError('PROVIDER_ERROR', `The Together AI job ${record.jobId} failed: ${reason ?? 'no reason given'}.`, { details: { jobId: record.jobId } });
          }
          if (job.status === 'cancelled') throw new TailorError('ABORTED', `The Together AI job ${record.jobId} was cancelled.`, { details: { jobId: record.jobId } });
          if (!job.model_output_name) throw new TailorError('PROVIDER_ERROR', `The Together AI job ${record.jobId} completed but named no output model.`);
          return {
            result: {
              adapterPath: `openai-compatible:${job.model_output_name}@${baseURL}`,
              format: 'remote',
              modelId: job.model_output_name,
              trainLoss: metrics.train.map((m) => m.loss),
              validationLoss: metrics.validation,
              steps: last?.step ?? totalSteps,
              tokens: job.token_count ?? 0,
              seconds: (Date.now() - started) / 1000,
              extra: { jobId: record.jobId, provider: 'together', trainingFile: record.trainingFile, validationFile: record.validationFile, totalPrice: job.total_price ?? null },
            },
            usage: { totalTokens: job.token_count ?? undefined },
            warnings,
          };
        }
        await sleep(pollMs, options.abortSignal);
      }
    },
  };
}

/** GET /fine-tunes/{id}/metrics: flat snapshots such as `train/loss`, `train/global_step`, `eval/loss`. */
async function readMetrics(api: ReturnType<typeof createJsonApi>, jobId: string): Promise<{ train: Array<{ step: number; loss: number }>; validation: number[] }> {
  const response = await api.request<{ metrics?: Array<Record<string, number>> }>('read the job metrics', 'GET', `/fine-tunes/${jobId}/metrics`);
  const train: Array<{ step: number; loss: number }> = [];
  const validation: number[] = [];
  for (const m of response.metrics ?? []) {
    if (typeof m['train/loss'] === 'number') train.push({ step: m['train/global_step'] ?? train.length + 1, loss: m['train/loss'] });
    if (typeof m['eval/loss'] === 'number') validation.push(m['eval/loss']);
  }
  return { train, validation };
}
