import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { CallResult } from '../../providers/types.js';
import { type LlamaCppRuntime, loadLlamaModel } from '../../providers/llama-cpp/runtime.js';
import type { TrainOptions, TrainResult, Trainer } from '../trainer.js';
import type { CheckpointState } from './checkpoint.js';
import { loadCheckpoint } from './checkpoint.js';
import { encodeExamples, longestChatSequence } from './examples.js';
import { readGgufFile } from './gguf-read.js';
import { writeLoraAdapterGguf } from './gguf-write.js';
import { llamaTokenizer } from './llama-cpp-eval.js';
import { readLlamaConfig } from './llama-config.js';
import { createLlamaForward } from './llama-forward.js';
import { type ProjectionName, loadLlamaWeights } from './llama-weights.js';
import { createLoraParams, projectionShape } from './lora-params.js';
import { type TfBackendName, useTfBackend } from './tf-runtime.js';
import { evaluateLoss, runTrainingLoop } from './training-loop.js';

export interface LocalLoraTrainerSettings {
  logger?: Logger;
  /** Shared llama.cpp runtime for the tokenizer; a private CPU one is made if left out. */
  runtime?: LlamaCppRuntime;
  /** TensorFlow.js backend; "wasm" unless you are measuring. */
  backend?: TfBackendName;
}

export const LOCAL_LORA_DEFAULTS = {
  rank: 8,
  alpha: 16,
  targetModules: ['q', 'k', 'v', 'o'] as ProjectionName[],
  epochs: 3,
  learningRate: 1e-3,
  batchSize: 8,
  gradientAccumulation: 1,
  weightDecay: 0,
  maxSeqLen: 256,
  seed: 42,
};

function invalid(message: string, details: Record<string, unknown> = {}): TailorError {
  return new TailorError('INVALID_ARGUMENT', message, { details });
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(`${name} must be a positive integer (got ${value}).`, { [name]: value });
  return value;
}

/**
 * In-process LoRA training of llama-architecture GGUF models: frozen base weights read from
 * the GGUF, LoRA on the chosen projections, AdamW, checkpoints per epoch, and a GGUF LoRA
 * adapter that llama.cpp loads (`adapter.gguf` in outputDir).
 */
export function createLocalLoraTrainer(settings: LocalLoraTrainerSettings = {}): Trainer {
  const logger = settings.logger ?? silentLogger;
  return {
    backend: 'local',
    async doTrain(options: TrainOptions): Promise<CallResult<TrainResult>> {
      if (options.method === 'full') {
        throw invalid('The local backend trains LoRA adapters only; for full fine-tuning export to Axolotl or LLaMA-Factory (--backend axolotl|llama-factory).');
      }
      if (options.train.length === 0) throw invalid('There are no training examples.');
      const rank = positiveInt('rank', options.rank ?? LOCAL_LORA_DEFAULTS.rank);
      const alpha = options.alpha ?? LOCAL_LORA_DEFAULTS.alpha;
      const targets = [...new Set(options.targetModules ?? LOCAL_LORA_DEFAULTS.targetModules)];
      if (targets.length === 0) throw invalid('targetModules is empty: name at least one of q, k, v, o, gate, up, down.');
      const epochs = positiveInt('epochs', options.epochs ?? LOCAL_LORA_DEFAULTS.epochs);
      const batchSize = positiveInt('batchSize', options.batchSize ?? LOCAL_LORA_DEFAULTS.batchSize);
      const gradientAccumulation = positiveInt('gradientAccumulation', options.gradientAccumulation ?? LOCAL_LORA_DEFAULTS.gradientAccumulation);
      const seed = options.seed ?? LOCAL_LORA_DEFAULTS.seed;
      const learningRate = options.learningRate ?? LOCAL_LORA_DEFAULTS.learningRate;
      const weightDecay = options.weightDecay ?? LOCAL_LORA_DEFAULTS.weightDecay;
      if (!(learningRate > 0)) throw invalid(`learningRate must be > 0 (got ${learningRate}).`);

      const modelPath = resolve(options.baseModel);
      const file = readGgufFile(modelPath);
      const config = readLlamaConfig(file);
      const loaded = await loadLlamaModel(modelPath, { gpu: false, logger, ...(settings.runtime ? { runtime: settings.runtime } : {}) });
      let encoded;
      let maxSeqLen: number;
      let longest: number;
      try {
        const tokenizer = llamaTokenizer(loaded.model);
        // Unless told, the sequence length follows the data: long enough for the longest example, within the model's context.
        longest = longestChatSequence([...options.train, ...(options.validation ?? [])], tokenizer);
        maxSeqLen = positiveInt('maxSeqLen', Math.min(options.maxSeqLen ?? Math.max(LOCAL_LORA_DEFAULTS.maxSeqLen, longest), config.contextLength));
        if (options.maxSeqLen === undefined && maxSeqLen > LOCAL_LORA_DEFAULTS.maxSeqLen) logger.log('info', `maxSeqLen ${maxSeqLen}: the longest example has ${longest} tokens (model context ${config.contextLength})`);
        encoded = {
          train: encodeExamples(options.train, tokenizer, maxSeqLen),
          validation: encodeExamples(options.validation ?? [], tokenizer, maxSeqLen),
        };
      } finally {
        await loaded.release();
      }
      const warnings = [...encoded.train.warnings, ...encoded.validation.warnings];
      if (encoded.train.sequences.length === 0) {
        const fits = Math.min(longest, config.contextLength);
        throw new TailorError('DATASET_INVALID', longest > maxSeqLen
          ? `No training example has answer tokens within maxSeqLen ${maxSeqLen}: the longest example has ${longest} tokens. Pass --max-seq-len ${fits} (maxSeqLen: ${fits}; the model's context is ${config.contextLength}).`
          : 'No training example has answer tokens to learn from.', { details: { maxSeqLen, longest, contextLength: config.contextLength } });
      }
      const checkpointSettings: CheckpointState['settings'] = { rank, alpha, targets, seed, batchSize, gradientAccumulation, maxSeqLen };

      const resumed = options.resumeFrom ? loadCheckpoint(options.resumeFrom) : undefined;
      if (resumed) {
        const saved = resumed.state.settings;
        const mismatch = (Object.keys(checkpointSettings) as Array<keyof typeof checkpointSettings>).filter(
          (k) => JSON.stringify(saved[k]) !== JSON.stringify(checkpointSettings[k]),
        );
        if (mismatch.length) {
          throw invalid(`Checkpoint ${options.resumeFrom} was made with different ${mismatch.join(', ')}; resume with the same settings.`, {
            saved,
            requested: checkpointSettings,
          });
        }
      }

      const tf = await useTfBackend(settings.backend ?? 'wasm');
      const weights = loadLlamaWeights(tf, file, config);
      const lora = createLoraParams(tf, config, { rank, alpha, targets, seed, ...(resumed ? { initial: resumed.tensors } : {}) });
      const forward = createLlamaForward(tf, config, weights, lora);
      try {
        const outputDir = resolve(options.outputDir);
        mkdirSync(outputDir, { recursive: true });
        const pick = (prefix: string) => lora.variables().map((v) => resumed!.tensors.get(`${prefix}${v.name}`)!);
        const best = resumed && resumed.state.bestEpoch !== null
          ? new Map(lora.variables().map((v) => [v.name, resumed.tensors.get(`best.${v.name}`)!]))
          : undefined;
        const loop = await runTrainingLoop(
          tf,
          forward,
          lora,
          { train: encoded.train.sequences, validation: encoded.validation.sequences },
          {
            epochs, learningRate, batchSize, gradientAccumulation, weightDecay, seed,
            ...(options.earlyStoppingPatience !== undefined ? { earlyStoppingPatience: options.earlyStoppingPatience } : {}),
            padToken: config.eosTokenId,
            checkpointDir: join(outputDir, 'checkpoints'),
            checkpointSettings,
          },
          resumed
            ? { state: resumed.state, optimizer: { step: resumed.state.step, m: pick('adam.m.'), v: pick('adam.v.') }, ...(best ? { best } : {}) }
            : { state: freshState(checkpointSettings) },
          { logger, ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}), ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) },
        );

        // The exported weights (best epoch when validating) are what llama.cpp will run, so the
        // final losses are measured with them.
        for (const v of lora.variables()) v.assign(tf.tensor(loop.exportValues.get(v.name)!, v.shape));
        const finalTrainLoss = await evaluateLoss(tf, forward, encoded.train.sequences, batchSize, config.eosTokenId);
        const adapterPath = join(outputDir, 'adapter.gguf');
        writeLoraAdapterGguf(adapterPath, {
          architecture: config.architecture,
          alpha,
          name: `tailor-lora r${rank}`,
          pairs: lora.pairs.map((p) => {
            const shape = projectionShape(config, p.projection);
            return { target: p.target, rank, inFeatures: shape.in, outFeatures: shape.out, a: loop.exportValues.get(p.a.name)!, b: loop.exportValues.get(p.b.name)! };
          }),
          extra: [['training.base_model.sha256', { type: 'string', value: createHash('sha256').update(file.bytes).digest('hex') }]],
        });
        const state = loop.state;
        return {
          result: {
            adapterPath,
            format: 'gguf-lora',
            trainLoss: state.trainLoss,
            validationLoss: state.validationLoss,
            steps: state.step,
            tokens: state.tokens,
            seconds: state.seconds,
            extra: {
              finalTrainLoss,
              stepLosses: state.stepLosses,
              bestEpoch: state.bestEpoch,
              stoppedEarly: loop.stoppedEarly,
              epochStats: loop.epochStats,
              checkpoints: loop.checkpoints,
              trainSequences: encoded.train.sequences.length,
              validationSequences: encoded.validation.sequences.length,
              rank, alpha, targetModules: targets, learningRate, batchSize, gradientAccumulation, weightDecay, maxSeqLen, seed, epochs,
            },
          },
          usage: { inputTokens: state.tokens, totalTokens: state.tokens },
          warnings,
        };
      } finally {
        forward.dispose();
        lora.dispose();
        weights.dispose();
      }
    },
  };
}

function freshState(settings: CheckpointState['settings']): Omit<CheckpointState, 'tensors'> {
  return {
    version: 1, settings, epoch: 0, batchInEpoch: 0, step: 0, tokens: 0, seconds: 0,
    trainLoss: [], validationLoss: [], stepLosses: [], epochLossSum: 0, epochTrainedTokens: 0,
    bestValidation: null, bestEpoch: null, epochsWithoutImprovement: 0,
  };
}
