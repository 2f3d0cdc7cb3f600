import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { TrainOptions } from '../trainer.js';
import { type AdamW, createAdamW } from './adamw.js';
import { type Batch, makeBatch, planBatches } from './batches.js';
import { type CheckpointState, saveCheckpoint } from './checkpoint.js';
import type { EncodedSequence } from './examples.js';
import type { LlamaForward } from './llama-forward.js';
import type { LoraParams } from './lora-params.js';
import { createRandom, shuffled } from '../../core/random.js';
import type { tf as TF } from './tf-runtime.js';

type Tf = typeof TF;

export interface LoopSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
  gradientAccumulation: number;
  weightDecay: number;
  seed: number;
  earlyStoppingPatience?: number;
  padToken: number;
  checkpointDir: string;
  checkpointSettings: CheckpointState['settings'];
}

export interface LoopResult {
  state: Omit<CheckpointState, 'tensors'>;
  /** LoRA values to export: the best validation epoch's when validating, else the last. */
  exportValues: Map<string, Float32Array>;
  stoppedEarly: boolean;
  checkpoints: string[];
  /** Wall time of each epoch finished in this run (training + validation), and peak RSS after it. */
  epochStats: Array<{ epoch: number; seconds: number; peakRssMb: number }>;
}

type MutableState = Omit<CheckpointState, 'tensors'>;

function readParams(lora: LoraParams): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const v of lora.variables()) out.set(v.name, (v.dataSync() as Float32Array).slice());
  return out;
}

/** Mean loss per trained token over `sequences` with the current weights (no gradients). */
export async function evaluateLoss(tf: Tf, forward: LlamaForward, sequences: EncodedSequence[], batchSize: number, padToken: number): Promise<number> {
  let sum = 0;
  let count = 0;
  for (const group of planBatches(sequences, batchSize)) {
    const batch = makeBatch(tf, group, padToken);
    const loss = tf.tidy(() => forward.lossSum(batch.inputs, batch.targets, batch.mask));
    sum += (await loss.data())[0]!;
    count += batch.trainedTokens;
    loss.dispose();
    batch.dispose();
  }
  return count ? sum / count : NaN;
}

/** One optimizer step over a group of micro-batches; returns the step's mean loss per token. */
function optimizerStep(tf: Tf, forward: LlamaForward, lora: LoraParams, optimizer: AdamW, batches: Batch[]): TF.Scalar {
  const vars = lora.variables();
  const totalTrained = batches.reduce((s, b) => s + b.trainedTokens, 0) || 1;
  let accumulated: TF.Tensor[] | undefined;
  let lossTotal: TF.Scalar | undefined;
  for (const batch of batches) {
    const { value, grads } = tf.variableGrads(() => tf.div(forward.lossSum(batch.inputs, batch.targets, batch.mask), totalTrained) as TF.Scalar, vars);
    const ordered = vars.map((v) => grads[v.name]!);
    if (!accumulated) {
      accumulated = ordered;
      lossTotal = value;
    } else {
      const prev = accumulated;
      accumulated = prev.map((g, i) => tf.add(g, ordered[i]!));
      [...prev, ...ordered].forEach((t) => t.dispose());
      const prevLoss = lossTotal!;
      lossTotal = tf.add<TF.Scalar>(prevLoss, value);
      prevLoss.dispose();
      value.dispose();
    }
  }
  optimizer.apply(accumulated!);
  accumulated!.forEach((t) => t.dispose());
  return lossTotal!;
}

/**
 * Epochs of shuffled micro-batches (the order depends only on seed and epoch, so a resumed run
 * sees the same batches an uninterrupted one would), validation and a checkpoint after each
 * epoch, early stopping on validation loss, and a checkpoint when cancelled.
 */
export async function runTrainingLoop(
  tf: Tf,
  forward: LlamaForward,
  lora: LoraParams,
  data: { train: EncodedSequence[]; validation: EncodedSequence[] },
  settings: LoopSettings,
  start: { state: MutableState; optimizer?: Parameters<typeof createAdamW>[3]; best?: Map<string, Float32Array> },
  hooks: { onProgress?: TrainOptions['onProgress']; onEpoch?: TrainOptions['onEpoch']; abortSignal?: AbortSignal; logger: Logger },
): Promise<LoopResult> {
  const state = start.state;
  const optimizer = createAdamW(tf, lora.variables(), { learningRate: settings.learningRate, weightDecay: settings.weightDecay }, start.optimizer);
  let best = start.best;
  const checkpoints: string[] = [];
  const batchesPerEpoch = Math.ceil(data.train.length / settings.batchSize);
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / settings.gradientAccumulation);
  const totalSteps = stepsPerEpoch * settings.epochs;
  const startedAt = performance.now();
  const stepsAtStart = state.step;
  let tokensThisRun = 0;
  let stoppedEarly = false;
  const epochStats: LoopResult['epochStats'] = [];
  let epochStartedAt = performance.now();

  const save = (name: string) => {
    const tensors = new Map(readParams(lora));
    const snap = optimizer.snapshot();
    lora.variables().forEach((v, i) => {
      tensors.set(`adam.m.${v.name}`, snap.m[i]!);
      tensors.set(`adam.v.${v.name}`, snap.v[i]!);
    });
    if (best) for (const [k, v] of best) tensors.set(`best.${k}`, v);
    const dir = join(settings.checkpointDir, name);
    saveCheckpoint(dir, { ...state, seconds: state.seconds + (performance.now() - startedAt) / 1000 }, tensors);
    checkpoints.push(dir);
    return dir;
  };

  try {
    while (state.epoch < settings.epochs) {
      const order = shuffled(data.train, createRandom(settings.seed * 1009 + state.epoch + 1));
      const plan = planBatches(order, settings.batchSize);
      while (state.batchInEpoch < plan.length) {
        if (hooks.abortSignal?.aborted) {
          const dir = save(`interrupted-step-${state.step}`);
          throw new TailorError('ABORTED', `Training was cancelled at step ${state.step}; resume with resumeFrom: ${dir}`, {
            details: { checkpoint: dir, step: state.step },
          });
        }
        const groupPlan = plan.slice(state.batchInEpoch, state.batchInEpoch + settings.gradientAccumulation);
        const batches = groupPlan.map((g) => makeBatch(tf, g, settings.padToken));
        const loss = optimizerStep(tf, forward, lora, optimizer, batches);
        const stepLoss = (await loss.data())[0]!;
        loss.dispose();
        const trained = batches.reduce((s, b) => s + b.trainedTokens, 0);
        const inputs = batches.reduce((s, b) => s + b.inputTokens, 0);
        batches.forEach((b) => b.dispose());
        state.batchInEpoch += groupPlan.length;
        state.step++;
        state.tokens += inputs;
        tokensThisRun += inputs;
        state.stepLosses.push(stepLoss);
        state.epochLossSum += stepLoss * trained;
        state.epochTrainedTokens += trained;
        const elapsed = (performance.now() - startedAt) / 1000;
        const stepsDone = state.step - stepsAtStart;
        hooks.onProgress?.({
          step: state.step,
          totalSteps,
          epoch: state.epoch + 1,
          loss: stepLoss,
          tokensPerSecond: elapsed > 0 ? tokensThisRun / elapsed : 0,
          etaSeconds: stepsDone > 0 ? (elapsed / stepsDone) * (totalSteps - state.step) : 0,
        });
        // Lets timers and abort signals from the caller run between steps.
        await new Promise((resolve) => setImmediate(resolve));
      }
      state.trainLoss.push(state.epochLossSum / (state.epochTrainedTokens || 1));
      state.epochLossSum = 0;
      state.epochTrainedTokens = 0;
      state.batchInEpoch = 0;
      if (data.validation.length > 0) {
        const validation = await evaluateLoss(tf, forward, data.validation, settings.batchSize, settings.padToken);
        state.validationLoss.push(validation);
        if (state.bestValidation === null || validation < state.bestValidation) {
          state.bestValidation = validation;
          state.bestEpoch = state.epoch + 1;
          state.epochsWithoutImprovement = 0;
          best = readParams(lora);
        } else {
          state.epochsWithoutImprovement++;
        }
      }
      hooks.logger.log('info', `epoch ${state.epoch + 1}/${settings.epochs}`, {
        trainLoss: state.trainLoss.at(-1),
        validationLoss: state.validationLoss.at(-1),
      });
      const patience = settings.earlyStoppingPatience;
      const stop = patience !== undefined && data.validation.length > 0 && state.epochsWithoutImprovement >= patience;
      hooks.onEpoch?.({ epoch: state.epoch + 1, trainLoss: state.trainLoss.at(-1)!, ...(data.validation.length > 0 ? { validationLoss: state.validationLoss.at(-1)! } : {}), bestEpoch: state.bestEpoch, stopping: stop });
      state.epoch++;
      epochStats.push({ epoch: state.epoch, seconds: (performance.now() - epochStartedAt) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 });
      save(`epoch-${state.epoch}`);
      epochStartedAt = performance.now();
      if (stop) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  state.seconds += (performance.now() - startedAt) / 1000;
  return { state, exportValues: best ?? readParams(lora), stoppedEarly, checkpoints, epochStats };
}
