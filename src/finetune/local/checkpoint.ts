import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';

/** Everything needed to continue a run exactly where it stopped. */
export interface CheckpointState {
  version: 1;
  /** Settings that must match on resume (a different rank cannot continue these tensors). */
  settings: { rank: number; alpha: number; targets: string[]; seed: number; batchSize: number; gradientAccumulation: number; maxSeqLen: number };
  /** Epochs fully done, and the next micro-batch of the current one. */
  epoch: number;
  batchInEpoch: number;
  step: number;
  tokens: number;
  seconds: number;
  trainLoss: number[];
  validationLoss: number[];
  stepLosses: number[];
  epochLossSum: number;
  epochTrainedTokens: number;
  bestValidation: number | null;
  bestEpoch: number | null;
  epochsWithoutImprovement: number;
  /** Tensor names in tensors.bin, in order, with their lengths. */
  tensors: Array<{ name: string; length: number }>;
}

export interface Checkpoint {
  state: CheckpointState;
  tensors: Map<string, Float32Array>;
}

/** Writes state.json + tensors.bin (raw little-endian f32) through a temp dir, then renames. */
export function saveCheckpoint(dir: string, state: Omit<CheckpointState, 'tensors'>, tensors: Map<string, Float32Array>): void {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const list = [...tensors].map(([name, data]) => ({ name, length: data.length }));
  const buffers = [...tensors.values()].map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  writeFileSync(join(tmp, 'tensors.bin'), Buffer.concat(buffers));
  writeFileSync(join(tmp, 'state.json'), JSON.stringify({ ...state, tensors: list }, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

export function loadCheckpoint(dir: string): Checkpoint {
  let state: CheckpointState;
  let bytes: Buffer;
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
    bytes = readFileSync(join(dir, 'tensors.bin'));
  } catch (error) {
    throw new TailorError('NOT_FOUND', `No readable training checkpoint in ${dir} (state.json + tensors.bin): ${(error as Error).message}`, {
      cause: error,
      details: { path: dir },
    });
  }
  if (state.version !== 1) {
    throw new TailorError('UNSUPPORTED_FORMAT', `Checkpoint ${dir} has version ${String(state.version)}; this Tailor reads version 1.`, {
      details: { path: dir },
    });
  }
  const tensors = new Map<string, Float32Array>();
  let offset = 0;
  for (const t of state.tensors) {
    const copy = new Float32Array(t.length);
    new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + t.length * 4));
    tensors.set(t.name, copy);
    offset += t.length * 4;
  }
  if (offset !== bytes.length) {
    throw new TailorError('STORE_CORRUPT', `Checkpoint ${dir}: tensors.bin has ${bytes.length} bytes, state.json describes ${offset}.`, {
      details: { path: dir },
    });
  }
  return { state, tensors };
}
