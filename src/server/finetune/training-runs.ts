import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../io/atomic-file.js';
import type { Logger } from '../../core/logger.js';

export type TrainingStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface TrainingStep {
  step: number;
  epoch: number;
  loss: number;
}

export interface TrainingEpoch {
  epoch: number;
  trainLoss: number;
  validationLoss?: number;
}

/** What a training run looked like so far: enough to draw its curves after a reload or a restart. */
export interface TrainingRun {
  /** The job's id. */
  id: string;
  adapter: string;
  dataset: string;
  base: string;
  backend: string;
  collections: string[];
  hyperparameters: Record<string, unknown>;
  status: TrainingStatus;
  createdAt: string;
  updatedAt: string;
  totalSteps: number;
  etaSeconds?: number;
  steps: TrainingStep[];
  epochs: TrainingEpoch[];
  bestEpoch: number | null;
  stoppedEarly: boolean;
  perplexity?: { before: number | null; after: number | null };
  error?: { code: string; message: string };
  /** What happened to the run beyond its losses (resumed after a restart, interrupted…). */
  notes: string[];
}

export type TrainingEvent =
  | { type: 'step'; step: TrainingStep; totalSteps: number; etaSeconds: number }
  | { type: 'epoch'; epoch: TrainingEpoch; bestEpoch: number | null }
  | { type: 'state'; run: TrainingRun };

const RUN_ID = /^job_[0-9a-f]{16}$/;
const FINAL: ReadonlySet<TrainingStatus> = new Set(['done', 'failed', 'cancelled', 'interrupted']);
export const isFinal = (status: TrainingStatus) => FINAL.has(status);

/**
 * Training runs as one JSON file each under <home>/training/ (0600), written at most once a
 * second while steps stream in and at once on every epoch and state change, with listeners
 * for the SSE route.
 */
export interface TrainingRuns {
  create(run: Omit<TrainingRun, 'createdAt' | 'updatedAt' | 'steps' | 'epochs' | 'bestEpoch' | 'stoppedEarly' | 'notes' | 'totalSteps' | 'status'>): TrainingRun;
  get(id: string): TrainingRun | undefined;
  list(): TrainingRun[];
  step(id: string, step: TrainingStep, totalSteps: number, etaSeconds: number): void;
  epoch(id: string, epoch: TrainingEpoch, bestEpoch: number | null): void;
  update(id: string, change: Partial<TrainingRun>, note?: string): TrainingRun | undefined;
  watch(id: string, listener: (event: TrainingEvent) => void): () => void;
}

export function createTrainingRuns(home: string, logger: Logger): TrainingRuns {
  const dir = join(home, 'training');
  const runs = new Map<string, TrainingRun>();
  const listeners = new Map<string, Set<(event: TrainingEvent) => void>>();
  const lastSaved = new Map<string, number>();

  const save = (run: TrainingRun) => {
    run.updatedAt = new Date().toISOString();
    lastSaved.set(run.id, Date.now());
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      writeFileAtomicSync(join(dir, `${run.id}.json`), JSON.stringify(run), { mode: PRIVATE_FILE_MODE });
    } catch (error) {
      logger.log('warn', `could not save training run ${run.id}: ${(error as Error).message}`);
    }
  };
  const emit = (id: string, event: TrainingEvent) => {
    for (const listener of listeners.get(id) ?? []) listener(event);
  };
  const load = (id: string): TrainingRun | undefined => {
    if (!RUN_ID.test(id)) return undefined;
    const cached = runs.get(id);
    if (cached) return cached;
    try {
      const run = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as TrainingRun;
      runs.set(id, run);
      return run;
    } catch {
      return undefined;
    }
  };

  return {
    create(fields) {
      const now = new Date().toISOString();
      const run: TrainingRun = { ...fields, status: 'queued', createdAt: now, updatedAt: now, totalSteps: 0, steps: [], epochs: [], bestEpoch: null, stoppedEarly: false, notes: [] };
      runs.set(run.id, run);
      save(run);
      return run;
    },
    get: load,
    list() {
      let ids: string[] = [];
      try {
        ids = readdirSync(dir).map((f) => f.replace(/\.json$/, '')).filter((id) => RUN_ID.test(id));
      } catch {
        // none yet
      }
      return ids.map(load).filter((r): r is TrainingRun => r !== undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    step(id, step, totalSteps, etaSeconds) {
      const run = load(id);
      if (!run) return;
      run.steps.push(step);
      run.totalSteps = totalSteps;
      run.etaSeconds = etaSeconds;
      if (Date.now() - (lastSaved.get(id) ?? 0) > 1000) save(run);
      emit(id, { type: 'step', step, totalSteps, etaSeconds });
    },
    epoch(id, epoch, bestEpoch) {
      const run = load(id);
      if (!run) return;
      run.epochs.push(epoch);
      run.bestEpoch = bestEpoch;
      save(run);
      emit(id, { type: 'epoch', epoch, bestEpoch });
    },
    update(id, change, note) {
      const run = load(id);
      if (!run) return undefined;
      Object.assign(run, change);
      if (note) run.notes.push(note);
      save(run);
      emit(id, { type: 'state', run });
      if (isFinal(run.status)) listeners.delete(id);
      return run;
    },
    watch(id, listener) {
      const set = listeners.get(id) ?? new Set();
      set.add(listener);
      listeners.set(id, set);
      return () => set.delete(listener);
    },
  };
}
