import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult, FetchFunction } from '../../providers/types.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import type { Trainer, TrainOptions, TrainResult } from '../trainer.js';
import { toTailorApiError } from './errors.js';
import { sleep } from './http.js';

export interface OpenAIFineTuneSettings {
  apiKey?: string;
  /** An OpenAI-compatible API root, e.g. https://api.openai.com/v1. */
  baseURL?: string;
  fetch?: FetchFunction;
  /** How often the job is polled (default 15 s). */
  pollIntervalMs?: number;
  /** Added to the fine-tuned model's name. */
  suffix?: string;
  /** The API scales its own learning rate by this; absolute learning rates do not apply. */
  learningRateMultiplier?: number;
  logger?: Logger;
}

/** What is kept in `outputDir/job.json`, so an interrupted run can resume polling the same job. */
interface JobRecord {
  jobId: string;
  trainingFile: string;
  validationFile?: string;
  baseURL: string;
  createdAt: string;
}

interface Metrics {
  step: number;
  totalSteps?: number;
  trainLoss?: number;
  validLoss?: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

function jsonl(examples: TrainOptions['train']): Buffer {
  return Buffer.from(examples.map((e) => JSON.stringify({ messages: e.messages })).join('\n') + '\n');
}

/**
 * Fine-tuning through an OpenAI-compatible jobs API with the official SDK: upload the JSONL
 * (purpose "fine-tune"), create the job, poll it and its events (losses become progress),
 * and return the fine-tuned model id. Cancelling the signal cancels the remote job.
 */
export function createOpenAIFineTuneTrainer(settings: OpenAIFineTuneSettings = {}): Trainer {
  const logger = settings.logger ?? silentLogger;
  const baseURL = settings.baseURL ?? 'https://api.openai.com/v1';
  return {
    backend: 'openai',
    async doTrain(options: TrainOptions): Promise<CallResult<TrainResult>> {
      if (options.train.length === 0) throw new TailorError('DATASET_INVALID', 'There are no training examples to upload.');
      if (!settings.apiKey && baseURL === 'https://api.openai.com/v1') {
        throw new TailorError('UNAUTHENTICATED', 'Remote fine-tuning needs an API key: set OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible server).');
      }
      const { default: OpenAI, toFile } = await import('openai').catch((cause: unknown) => {
        throw new TailorError('PROVIDER_UNAVAILABLE', 'Remote fine-tuning needs the "openai" package: npm install openai.', { cause });
      });
      const client = new OpenAI({ apiKey: settings.apiKey ?? 'unused', baseURL, fetch: settings.fetch, maxRetries: 2 });
      const warnings: string[] = [];
      if (options.learningRate !== undefined) warnings.push('The OpenAI jobs API takes a learning-rate multiplier, not a learning rate: --lr was ignored.');
      if ((options.method ?? 'lora') !== 'lora' || options.rank !== undefined) warnings.push('The OpenAI jobs API chooses its own fine-tuning method: --method/--rank were ignored.');
      const started = Date.now();
      await mkdir(options.outputDir, { recursive: true });
      const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
        try {
          return await run();
        } catch (error) {
          throw toTailorApiError(error, what);
        }
      };

      let record = options.resumeFrom ? await readJobRecord(options.resumeFrom) : undefined;
      if (!record) {
        const training = await call('upload the training file', async () => client.files.create({ file: await toFile(jsonl(options.train), 'train.jsonl'), purpose: 'fine-tune' }));
        const validation = options.validation && options.validation.length > 0
          ? await call('upload the validation file', async () => client.files.create({ file: await toFile(jsonl(options.validation!), 'validation.jsonl'), purpose: 'fine-tune' }))
          : undefined;
        const hyperparameters: Record<string, number> = {};
        if (options.epochs !== undefined) hyperparameters.n_epochs = options.epochs;
        if (options.batchSize !== undefined) hyperparameters.batch_size = options.batchSize;
        if (settings.learningRateMultiplier !== undefined) hyperparameters.learning_rate_multiplier = settings.learningRateMultiplier;
        const job = await call('create the fine-tuning job', () =>
          client.fineTuning.jobs.create({
            model: options.baseModel,
            training_file: training.id,
            validation_file: validation?.id,
            seed: options.seed,
            suffix: settings.suffix,
            method: { type: 'supervised', supervised: { hyperparameters } },
          }),
        );
        record = { jobId: job.id, trainingFile: training.id, validationFile: validation?.id, baseURL, createdAt: new Date().toISOString() };
        await writeFileAtomic(join(options.outputDir, 'job.json'), JSON.stringify(record, null, 2) + '\n');
        logger.log('info', 'fine-tuning job created', { jobId: job.id });
      }

      const jobId = record.jobId;
      const seen = new Set<string>();
      const metrics: Metrics[] = [];
      const pollMs = settings.pollIntervalMs ?? 15_000;
      for (;;) {
        if (options.abortSignal?.aborted) {
          await call('cancel the fine-tuning job', () => client.fineTuning.jobs.cancel(jobId)).catch((error) => logger.log('warn', 'could not cancel the remote job', { jobId, error: String(error) }));
          throw new TailorError('ABORTED', `Training was cancelled; the remote job ${jobId} was asked to cancel.`, { details: { jobId } });
        }
        const job = await call('read the fine-tuning job', () => client.fineTuning.jobs.retrieve(jobId));
        const page = await call('read the job events', () => client.fineTuning.jobs.listEvents(jobId, { limit: 100 }));
        const fresh = page.data.filter((e) => !seen.has(e.id)).sort((a, b) => a.created_at - b.created_at);
        for (const event of fresh) {
          seen.add(event.id);
          const m = readMetrics(event.data);
          if (event.type === 'metrics' && m) {
            metrics.push(m);
            const elapsed = (Date.now() - started) / 1000;
            const total = m.totalSteps ?? m.step;
            options.onProgress?.({ step: m.step, totalSteps: total, epoch: 0, loss: m.trainLoss ?? NaN, tokensPerSecond: 0, etaSeconds: m.step > 0 ? (elapsed / m.step) * Math.max(0, total - m.step) : 0 });
          } else {
            logger.log(event.level === 'error' ? 'error' : event.level === 'warn' ? 'warn' : 'info', `remote job: ${event.message}`, { jobId });
          }
        }
        if (TERMINAL.has(job.status)) {
          if (job.status === 'failed') {
            throw new TailorError('PROVIDER_ERROR', `The fine-tuning job ${jobId} failed: ${job.error?.message ?? 'no reason given'}.`, { details: { jobId, error: job.error } });
          }
          if (job.status === 'cancelled') throw new TailorError('ABORTED', `The fine-tuning job ${jobId} was cancelled.`, { details: { jobId } });
          if (!job.fine_tuned_model) throw new TailorError('PROVIDER_ERROR', `The fine-tuning job ${jobId} succeeded but named no fine-tuned model.`);
          const trainLoss = metrics.filter((m) => m.trainLoss !== undefined).map((m) => m.trainLoss!);
          const validationLoss = metrics.filter((m) => m.validLoss !== undefined).map((m) => m.validLoss!);
          return {
            result: {
              adapterPath: `openai:${job.fine_tuned_model}`,
              format: 'remote',
              modelId: job.fine_tuned_model,
              trainLoss,
              validationLoss,
              steps: metrics.at(-1)?.step ?? 0,
              tokens: job.trained_tokens ?? 0,
              seconds: (Date.now() - started) / 1000,
              extra: { jobId, trainingFile: record.trainingFile, validationFile: record.validationFile, resultFiles: job.result_files },
            },
            usage: { totalTokens: job.trained_tokens ?? undefined },
            warnings,
          };
        }
        await sleep(pollMs, options.abortSignal);
      }
    },
  };
}

async function readJobRecord(dir: string): Promise<JobRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'job.json'), 'utf8')) as JobRecord;
  } catch {
    return undefined;
  }
}

function readMetrics(data: unknown): Metrics | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  if (typeof d.step !== 'number') return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { step: d.step, totalSteps: num(d.total_steps), trainLoss: num(d.train_loss), validLoss: num(d.valid_loss) };
}
