import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { lineChartSvg, type Series } from '../report/index.js';
import { TailorError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import type { FetchFunction } from '../providers/types.js';
import { importDataset } from './datasets/api.js';
import { storesOf, type FinetuneStores } from './stores.js';
import { createClusterExportTrainer, type ClusterExportSettings } from './export/index.js';
import { nameFrom, assertName } from './names.js';
import { isFile, sha256File, type AdapterManifest, type AdapterRegistry } from './registry.js';
import { createLlamaCppRuntime, type LlamaCppRuntime } from '../providers/llama-cpp/runtime.js';
import { createOpenAIFineTuneTrainer } from './remote/openai-trainer.js';
import { createTogetherFineTuneTrainer } from './remote/together-trainer.js';
import { createFireworksFineTuneTrainer } from './remote/fireworks-trainer.js';
import { compareAdapterPerplexity } from './perplexity.js';
import type { Trainer, TrainOptions, TrainResult } from './trainer.js';
import type { DatasetExample, DatasetFormat } from './types.js';

export const TRAIN_BACKENDS = ['local', 'openai', 'axolotl', 'llama-factory', 'together', 'fireworks'] as const;
export type TrainBackend = (typeof TRAIN_BACKENDS)[number];

/** The knobs every backend understands (each ignores, with a warning, what it cannot use). */
export type TrainHyperparameters = Pick<
  TrainOptions,
  'method' | 'rank' | 'alpha' | 'targetModules' | 'epochs' | 'learningRate' | 'batchSize' | 'gradientAccumulation' | 'weightDecay' | 'maxSeqLen' | 'seed' | 'earlyStoppingPatience'
>;

export interface TrainAdapterOptions {
  home: string;
  /** Where the dataset is read and the adapter recorded (an opened Home); default: the files of `home`. */
  stores?: FinetuneStores;
  /** GGUF path (local), model id (openai), or HF model id/folder (cluster exports). */
  base: string;
  /** A stored dataset's name, or a file to import first. */
  dataset: string;
  /** Format of a dataset file (default from its extension: .csv → csv, else chat). */
  datasetFormat?: DatasetFormat;
  backend?: TrainBackend;
  /** Adapter name in the registry (default `<dataset>-<backend>-<time>`). */
  name?: string;
  hyperparameters?: TrainHyperparameters;
  /** A ready trainer (tests, library users); otherwise one is made for `backend`. */
  trainer?: Trainer;
  /** Continue an interrupted run from its checkpoint (local) or job record (openai). */
  resume?: boolean;
  /** Where the files go (default the adapter's registry folder). */
  outputDir?: string;
  /** Environment for API keys (OPENAI_API_KEY, OPENAI_BASE_URL); passed in, never read globally. */
  env?: Record<string, string | undefined>;
  fetch?: FetchFunction;
  cluster?: ClusterExportSettings;
  remote?: { pollIntervalMs?: number; suffix?: string; learningRateMultiplier?: number };
  /** For GGUF LoRA adapters, score the training examples with llama.cpp before and after (default true). */
  evaluatePerplexity?: boolean;
  logger?: Logger;
  onProgress?: TrainOptions['onProgress'];
  onEpoch?: TrainOptions['onEpoch'];
  /** A checkpoint folder to continue from (local: one of the run's checkpoints/*); overrides `resume`. */
  resumeFrom?: string;
  abortSignal?: AbortSignal;
}

export interface TrainAdapterResult {
  adapter: AdapterManifest;
  result: TrainResult;
  warnings: string[];
}

/** Imports the trainer that runs in-process; it loads TensorFlow.js, so only when asked for. */
async function createLocalTrainer(logger: Logger, runtime?: LlamaCppRuntime): Promise<Trainer> {
  const specifier = './local/index.js';
  let local: { createLocalLoraTrainer?: (settings: { logger?: Logger; runtime?: LlamaCppRuntime }) => Trainer };
  try {
    local = (await import(specifier)) as typeof local;
  } catch (cause) {
    throw new TailorError(
      'PROVIDER_UNAVAILABLE',
      `The local LoRA backend could not be loaded: ${(cause as Error).message}. Reinstall the package's dependencies (npm install), or train elsewhere with --backend openai, axolotl or llama-factory.`,
      { cause },
    );
  }
  if (!local.createLocalLoraTrainer) throw new TailorError('PROVIDER_UNAVAILABLE', 'The local LoRA backend in this build exports no trainer (a broken install?): reinstall, or use --backend openai, axolotl or llama-factory.');
  return local.createLocalLoraTrainer({ logger, runtime });
}

export async function createTrainerFor(
  backend: TrainBackend,
  options: Pick<TrainAdapterOptions, 'env' | 'fetch' | 'cluster' | 'remote' | 'logger'> & { llamaRuntime?: LlamaCppRuntime },
): Promise<Trainer> {
  const logger = options.logger ?? silentLogger;
  switch (backend) {
    case 'local':
      return createLocalTrainer(logger, options.llamaRuntime);
    case 'openai':
      return createOpenAIFineTuneTrainer({ apiKey: options.env?.OPENAI_API_KEY, baseURL: options.env?.OPENAI_BASE_URL, fetch: options.fetch, logger, ...options.remote });
    case 'axolotl':
    case 'llama-factory':
      return createClusterExportTrainer(backend, options.cluster);
    case 'together':
      return createTogetherFineTuneTrainer({ apiKey: options.env?.TOGETHER_API_KEY, baseURL: options.env?.TOGETHER_BASE_URL, fetch: options.fetch, logger, pollIntervalMs: options.remote?.pollIntervalMs, suffix: options.remote?.suffix });
    case 'fireworks':
      return createFireworksFineTuneTrainer({ apiKey: options.env?.FIREWORKS_API_KEY, accountId: options.env?.FIREWORKS_ACCOUNT_ID, baseURL: options.env?.FIREWORKS_BASE_URL, inferenceURL: options.env?.FIREWORKS_INFERENCE_URL, fetch: options.fetch, logger, pollIntervalMs: options.remote?.pollIntervalMs, suffix: options.remote?.suffix });
    default:
      throw new TailorError('INVALID_ARGUMENT', `Unknown training backend "${backend as string}": use one of ${TRAIN_BACKENDS.join(', ')}.`);
  }
}

/** A stored dataset by name, or a file imported as a dataset so lineage can follow it. */
async function resolveDataset(options: TrainAdapterOptions, warnings: string[]): Promise<{ name: string; examples: DatasetExample[]; hash: string }> {
  const store = storesOf(options).datasets;
  const path = resolve(options.dataset);
  if (await isFile(path)) {
    const format = options.datasetFormat ?? (extname(path).toLowerCase() === '.csv' ? 'csv' : 'chat');
    const name = nameFrom(basename(path));
    const imported = await importDataset({ home: options.home, stores: options.stores, file: path, format, name, mode: 'replace' });
    warnings.push(`Imported ${path} as dataset "${name}" (${imported.manifest.count} examples) so the adapter's lineage can be traced.`);
  }
  const name = (await isFile(path)) ? nameFrom(basename(path)) : options.dataset;
  const { manifest, examples } = await store.load(assertName(name, 'dataset'));
  return { name, examples, hash: manifest.hash };
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `tailor train`: resolves the dataset (train split, validation split), runs the backend,
 * and records the adapter with its base-model hash, dataset hash and example ids.
 */
export async function trainAdapter(options: TrainAdapterOptions): Promise<TrainAdapterResult> {
  const backend = options.backend ?? 'local';
  const warnings: string[] = [];
  const registry = storesOf(options).adapters;
  const dataset = await resolveDataset(options, warnings);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  const name = assertName(options.name ?? `${dataset.name}-${backend}-${stamp}`, 'adapter');
  if (await registry.find(name)) {
    throw new TailorError('INVALID_ARGUMENT', `An adapter named "${name}" exists already. Choose another --name, or delete it with \`tailor adapters delete ${name}\`.`);
  }
  const hasSplits = dataset.examples.some((e) => e.split !== undefined);
  const train = hasSplits ? dataset.examples.filter((e) => e.split === 'train') : dataset.examples;
  const validation = hasSplits ? dataset.examples.filter((e) => e.split === 'validation') : [];
  if (train.length === 0) {
    throw new TailorError('DATASET_INVALID', `Dataset "${dataset.name}" has no training examples${hasSplits ? ' in its train split' : ''}.`);
  }
  const basePath = resolve(options.base);
  const baseIsFile = await isFile(basePath);
  if (backend === 'local' && !baseIsFile) {
    if (!existsSync(basePath)) {
      throw new TailorError('NOT_FOUND', `The GGUF model ${basePath} does not exist. Check --base, or download a small instruction model first (README, "Fine-tuning").`, { details: { path: basePath } });
    }
    throw new TailorError('INVALID_ARGUMENT', `The local backend trains a GGUF file, and ${basePath} is not a file. Pass --base <path to a .gguf>.`);
  }
  // One llama.cpp runtime for the trainer's tokenizer and the perplexity check (starting one costs seconds).
  const llamaRuntime = baseIsFile ? createLlamaCppRuntime({ gpu: false, logger: options.logger }) : undefined;
  try {
    return await trainWith(options, { backend, name, dataset, train, validation, basePath, baseIsFile, warnings, registry, llamaRuntime });
  } finally {
    await llamaRuntime?.dispose();
  }
}

async function trainWith(
  options: TrainAdapterOptions,
  ctx: {
    backend: TrainBackend;
    name: string;
    dataset: { name: string; hash: string };
    train: DatasetExample[];
    validation: DatasetExample[];
    basePath: string;
    baseIsFile: boolean;
    warnings: string[];
    registry: AdapterRegistry;
    llamaRuntime?: LlamaCppRuntime;
  },
): Promise<TrainAdapterResult> {
  const { backend, name, dataset, train, validation, basePath, baseIsFile, warnings, registry } = ctx;
  const trainer = options.trainer ?? (await createTrainerFor(backend, { ...options, llamaRuntime: ctx.llamaRuntime }));
  const outputDir = options.outputDir ? resolve(options.outputDir) : registry.adapterDir(name);
  const strip = (e: DatasetExample) => ({ id: e.id, messages: e.messages });
  const hyperparameters = defined(options.hyperparameters ?? {});
  const run = await trainer.doTrain({
    ...hyperparameters,
    baseModel: baseIsFile ? basePath : options.base,
    train: train.map(strip),
    validation: validation.length > 0 ? validation.map(strip) : undefined,
    outputDir,
    resumeFrom: options.resumeFrom ?? (options.resume ? outputDir : undefined),
    onProgress: options.onProgress,
    onEpoch: options.onEpoch,
    abortSignal: options.abortSignal,
  });
  warnings.push(...run.warnings);
  const used = [...train, ...validation];
  // An example from no collection (a file imported by the CLI) is "*": only keys that see everything see the adapter.
  const collections = [...new Set(used.map((e) => e.provenance.collection ?? '*'))].sort();
  const result = run.result;
  if (result.format === 'gguf-lora' && baseIsFile && options.evaluatePerplexity !== false) {
    try {
      const comparison = await compareAdapterPerplexity({ baseModel: basePath, adapterPath: result.adapterPath, examples: train.map(strip), maxSeqLen: (result.extra?.maxSeqLen as number | undefined) ?? options.hyperparameters?.maxSeqLen, runtime: ctx.llamaRuntime, logger: options.logger });
      result.extra = { ...result.extra, ...comparison };
    } catch (error) {
      warnings.push(`llama.cpp could not score the adapter: ${(error as Error).message}`);
    }
  }
  if (result.format !== 'export' && result.trainLoss.length > 0) {
    result.extra = { ...result.extra, chartPath: await writeTrainingCurve(result, name, outputDir) };
  }
  const adapter: AdapterManifest = {
    name,
    manifestVersion: 1,
    createdAt: new Date().toISOString(),
    backend: trainer.backend,
    format: result.format,
    path: result.adapterPath,
    ...(result.modelId ? { modelId: result.modelId } : {}),
    baseModel: { ref: baseIsFile ? basePath : options.base, ...(baseIsFile ? { sha256: await sha256File(basePath) } : {}) },
    dataset: {
      name: dataset.name,
      hash: dataset.hash,
      exampleIds: used.map((e) => e.id),
      documentIds: [...new Set(used.flatMap((e) => e.provenance.documentIds))],
    },
    collections,
    hyperparameters: { method: options.hyperparameters?.method ?? 'lora', ...hyperparameters },
    metrics: { trainLoss: result.trainLoss, validationLoss: result.validationLoss, steps: result.steps, tokens: result.tokens, seconds: result.seconds },
    ...(result.extra ? { extra: result.extra } : {}),
  };
  await registry.put(adapter);
  return { adapter, result, warnings };
}

/** The loss curves as a picture beside the adapter: people look at these rather than read them. */
async function writeTrainingCurve(result: TrainResult, name: string, outputDir: string): Promise<string> {
  const epochs = result.trainLoss.length;
  const stepLosses = Array.isArray(result.extra?.stepLosses) ? (result.extra!.stepLosses as number[]) : [];
  const series: Series[] = [];
  if (stepLosses.length > epochs) {
    series.push({ name: 'train loss (step)', points: stepLosses.map((loss, i) => [((i + 1) * epochs) / stepLosses.length, loss]) });
  }
  series.push({ name: 'train loss (epoch)', points: result.trainLoss.map((loss, i) => [i + 1, loss]) });
  if (result.validationLoss.length > 0) series.push({ name: 'validation loss', points: result.validationLoss.map((loss, i) => [i + 1, loss]) });
  const path = join(outputDir, 'training-curve.svg');
  await writeFile(path, lineChartSvg({ title: `Training ${name}`, series, xLabel: 'epoch', yLabel: 'loss (nats per trained token)' }));
  return path;
}
