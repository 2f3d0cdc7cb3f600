import { mkdir } from 'node:fs/promises';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult, FetchFunction } from '../../providers/types.js';
import type { Trainer, TrainOptions, TrainResult } from '../trainer.js';
import { chatJsonl, createJsonApi, readJobFile, sleep, writeJobFile } from './http.js';

export interface FireworksFineTuneSettings {
  apiKey?: string;
  /** The account that owns datasets, jobs and models (FIREWORKS_ACCOUNT_ID). */
  accountId?: string;
  /** API root (default https://api.fireworks.ai/v1). */
  baseURL?: string;
  /** Where the tuned model is served, OpenAI-compatible (default https://api.fireworks.ai/inference/v1). */
  inferenceURL?: string;
  fetch?: FetchFunction;
  /** How often the dataset and the job are polled (default 15 s). */
  pollIntervalMs?: number;
  /** Added to the output model's id. */
  suffix?: string;
  logger?: Logger;
}

export const FIREWORKS_BASE_URL = 'https://api.fireworks.ai/v1';
export const FIREWORKS_INFERENCE_URL = 'https://api.fireworks.ai/inference/v1';

interface FireworksJob {
  name: string;
  state: string;
  status?: { code?: string; message?: string };
  outputModel?: string;
  jobProgress?: { percent?: number; epoch?: number; inputTokens?: number };
}

interface JobRecord {
  provider: 'fireworks';
  jobId: string;
  dataset: string;
  evaluationDataset?: string;
  baseURL: string;
  createdAt: string;
}

const FAILED = new Set(['JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_DELETING']);

/** Fireworks resource ids: lower-case letters, digits and hyphens, at most 63 characters. */
function resourceId(...parts: string[]): string {
  return parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 63).replace(/-$/, '');
}

/**
 * Fine-tuning through Fireworks AI's documented REST API: create a dataset record
 * (POST /accounts/{a}/datasets), upload the JSONL (POST …/datasets/{id}:upload), wait for it to be
 * READY, create a supervised fine-tuning job (POST /accounts/{a}/supervisedFineTuningJobs, LoRA), and
 * poll it until JOB_STATE_COMPLETED; the result is the job's `outputModel`, served through Fireworks'
 * OpenAI-compatible inference API. Cancelling the signal deletes the job.
 */
export function createFireworksFineTuneTrainer(settings: FireworksFineTuneSettings = {}): Trainer {
  const logger = settings.logger ?? silentLogger;
  const baseURL = settings.baseURL ?? FIREWORKS_BASE_URL;
  return {
    backend: 'fireworks',
    async doTrain(options: TrainOptions): Promise<CallResult<TrainResult>> {
      if (options.train.length < 3) throw new TailorError('DATASET_INVALID', `Fireworks AI needs at least 3 training examples; the dataset has ${options.train.length}.`);
      if (!settings.apiKey) throw new TailorError('UNAUTHENTICATED', 'Fireworks AI fine-tuning needs an API key: set FIREWORKS_API_KEY.');
      if (!settings.accountId) throw new TailorError('INVALID_ARGUMENT', 'Fireworks AI fine-tuning needs your account id: set FIREWORKS_ACCOUNT_ID (shown by `firectl whoami` and in the dashboard).');
      const api = createJsonApi({ baseURL, apiKey: settings.apiKey, fetch: settings.fetch, keyName: 'FIREWORKS_API_KEY', urlName: 'FIREWORKS_BASE_URL' });
      const account = `/accounts/${encodeURIComponent(settings.accountId)}`;
      const warnings: string[] = [];
      if ((options.method ?? 'lora') !== 'lora') warnings.push('Fireworks AI supervised fine-tuning trains LoRA adapters: --method full was ignored.');
      if (options.alpha !== undefined || options.targetModules !== undefined) warnings.push('Fireworks AI chooses LoRA alpha and target modules itself: those settings were ignored.');
      const pollMs = settings.pollIntervalMs ?? 15_000;
      const started = Date.now();
      await mkdir(options.outputDir, { recursive: true });
      const stamp = Date.now().toString(36);

      const uploadDataset = async (examples: TrainOptions['train'], role: string): Promise<string> => {
        const id = resourceId('tailor', role, stamp);
        await api.request('create the Fireworks AI dataset', 'POST', `${account}/datasets`, { datasetId: id, dataset: { displayName: `tailor ${role}`, exampleCount: String(examples.length), userUploaded: {}, format: 'CHAT' } }, options.abortSignal);
        const form = new FormData();
        form.set('file', chatJsonl(examples), `${role}.jsonl`);
        await api.upload(`upload ${role}.jsonl to Fireworks AI`, `${account}/datasets/${id}:upload`, form, options.abortSignal);
        for (;;) {
          const dataset = await api.request<{ state?: string; status?: { code?: string; message?: string } }>('read the Fireworks AI dataset', 'GET', `${account}/datasets/${id}`);
          if (dataset.state === 'READY') break;
          if (dataset.status?.code && dataset.status.code !== 'OK') throw new TailorError('DATASET_INVALID', `Fireworks AI rejected the ${role} dataset: ${dataset.status.message ?? dataset.status.code}.`);
          if (options.abortSignal?.aborted) throw new TailorError('ABORTED', 'Training was cancelled while the dataset was being processed.');
          await sleep(Math.min(pollMs, 2000), options.abortSignal);
        }
        return `accounts/${settings.accountId}/datasets/${id}`;
      };

      let record = options.resumeFrom ? await readJobFile<JobRecord>(options.resumeFrom) : undefined;
      if (record && record.provider !== 'fireworks') record = undefined;
      if (!record) {
        const dataset = await uploadDataset(options.train, 'train');
        const evaluationDataset = options.validation && options.validation.length > 0 ? await uploadDataset(options.validation, 'validation') : undefined;
        const jobId = resourceId('tailor', settings.suffix ?? 'sft', stamp);
        const body: Record<string, unknown> = {
          dataset,
          baseModel: options.baseModel,
          displayName: `tailor ${settings.suffix ?? 'sft'}`,
          outputModel: resourceId(settings.suffix ?? 'tailor', stamp),
          ...(evaluationDataset ? { evaluationDataset } : {}),
          ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
          ...(options.learningRate !== undefined ? { learningRate: options.learningRate } : {}),
          ...(options.rank !== undefined ? { loraRank: options.rank } : {}),
          ...(options.maxSeqLen !== undefined ? { maxContextLength: options.maxSeqLen } : {}),
          ...(options.batchSize !== undefined ? { batchSizeSamples: options.batchSize } : {}),
          ...(options.gradientAccumulation !== undefined ? { gradientAccumulationSteps: options.gradientAccumulation } : {}),
          ...(options.weightDecay !== undefined ? { optimizerWeightDecay: options.weightDecay } : {}),
          ...(options.earlyStoppingPatience !== undefined ? { earlyStop: true } : {}),
        };
        await api.request<FireworksJob>('create the Fireworks AI fine-tuning job', 'POST', `${account}/supervisedFineTuningJobs?supervisedFineTuningJobId=${encodeURIComponent(jobId)}`, body, options.abortSignal);
        record = { provider: 'fireworks', jobId, dataset, evaluationDataset, baseURL, createdAt: new Date().toISOString() };
        await writeJobFile(options.outputDir, record);
        logger.log('info', 'fine-tuning job created', { jobId });
      }

      const path = `${account}/supervisedFineTuningJobs/${encodeURIComponent(record.jobId)}`;
      let lastState = '';
      for (;;) {
        if (options.abortSignal?.aborted) {
          await api.request('delete the Fireworks AI job', 'DELETE', path).catch((error) => logger.log('warn', 'could not stop the remote job', { jobId: record!.jobId, error: String(error) }));
          throw new TailorError('ABORTED', `Training was cancelled; the Fireworks AI job ${record.jobId} was deleted.`, { details: { jobId: record.jobId } });
        }
        const job = await api.request<FireworksJob>('read the Fireworks AI job', 'GET', path);
        if (job.state !== lastState) {
          logger.log('info', `remote job: ${job.state}`, { jobId: record.jobId });
          lastState = job.state;
        }
        const percent = job.jobProgress?.percent;
        if (typeof percent === 'number') {
          const elapsed = (Date.now() - started) / 1000;
          options.onProgress?.({ step: Math.round(percent), totalSteps: 100, epoch: job.jobProgress?.epoch ?? 0, loss: NaN, tokensPerSecond: 0, etaSeconds: percent > 0 ? (elapsed / percent) * (100 - percent) : 0 });
        }
        if (FAILED.has(job.state)) {
          const code = job.state === 'JOB_STATE_FAILED' ? 'PROVIDER_ERROR' : 'ABORTED';
          throw new TailorError(code, `The Fireworks AI job ${record.jobId} ended in ${job.state}: ${job.status?.message || 'no reason given'}.`, { details: { jobId: record.jobId, state: job.state } });
        }
        if (job.state === 'JOB_STATE_COMPLETED') {
          if (!job.outputModel) throw new TailorError('PROVIDER_ERROR', `The Fireworks AI job ${record.jobId} completed but named no output model.`);
          const model = job.outputModel.includes('/') ? job.outputModel : `accounts/${settings.accountId}/models/${job.outputModel}`;
          const tokens = job.jobProgress?.inputTokens ?? 0;
          return {
            result: {
              adapterPath: `openai-compatible:${model}@${settings.inferenceURL ?? FIREWORKS_INFERENCE_URL}`,
              format: 'remote',
              modelId: model,
              trainLoss: [],
              validationLoss: [],
              steps: 0,
              tokens,
              seconds: (Date.now() - started) / 1000,
              extra: { jobId: record.jobId, provider: 'fireworks', job: job.name, dataset: record.dataset, evaluationDataset: record.evaluationDataset },
            },
            usage: { totalTokens: tokens || undefined },
            warnings: [...warnings, 'Fireworks AI reports progress, not losses, through its jobs API: no loss curve was recorded.'],
          };
        }
        await sleep(pollMs, options.abortSignal);
      }
    },
  };
}
