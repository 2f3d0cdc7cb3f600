import type { CallResult } from '../providers/types.js';

export interface TrainingExample {
  id: string;
  /** Loss only on assistant turns. */
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
}

export interface TrainOptions {
  /** Path to a GGUF file (local) or a model id (remote). */
  baseModel: string;
  train: TrainingExample[];
  validation?: TrainingExample[];
  method?: 'lora' | 'full';
  rank?: number;
  alpha?: number;
  targetModules?: Array<'q' | 'k' | 'v' | 'o' | 'gate' | 'up' | 'down'>;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  gradientAccumulation?: number;
  weightDecay?: number;
  maxSeqLen?: number;
  seed?: number;
  earlyStoppingPatience?: number;
  /** Adapter + checkpoints go here. */
  outputDir: string;
  /** Checkpoint dir. */
  resumeFrom?: string;
  onProgress?: (e: { step: number; totalSteps: number; epoch: number; loss: number; tokensPerSecond: number; etaSeconds: number }) => void;
  /** After each epoch: its mean train loss, the validation loss when validating, and the best epoch so far. */
  onEpoch?: (e: { epoch: number; trainLoss: number; validationLoss?: number; bestEpoch: number | null; stopping: boolean }) => void;
  abortSignal?: AbortSignal;
}

export interface TrainResult {
  adapterPath: string;
  format: 'gguf-lora' | 'remote' | 'export';
  trainLoss: number[];
  validationLoss: number[];
  steps: number;
  tokens: number;
  seconds: number;
  modelId?: string;
  extra?: Record<string, unknown>;
}

export interface Trainer {
  readonly backend: string;
  doTrain(options: TrainOptions): Promise<CallResult<TrainResult>>;
}
