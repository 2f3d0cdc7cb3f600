import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTailorError, toTailorError } from '../../core/errors.js';
import { buildFromCollection } from '../../finetune/build/from-collection.js';
import { saveBuiltDataset } from '../../finetune/datasets/api.js';
import { trainAdapter, type TrainBackend, type TrainHyperparameters } from '../../finetune/train.js';
import type { JobResult, JobRun, JobSpec } from '../jobs.js';
import type { ServerDeps } from '../context.js';

export interface BuildParams {
  name: string;
  kind: 'qa' | 'raft' | 'text';
  perChunk?: number;
  maxChunks?: number;
  seed?: number;
  systemPrompt?: string;
  mode?: 'create' | 'append' | 'replace';
}

/** Builds a dataset from a collection's chunks (reads the store, so it runs in the writer line). */
export function datasetBuildRunner(deps: Pick<ServerDeps, 'tailor' | 'home' | 'owner' | 'logger'>) {
  return async (spec: JobSpec, run: JobRun): Promise<JobResult> => {
    const p = spec.params as unknown as BuildParams;
    // A rerun (the job taken over from a replica that died after saving) finds its own save and stops there.
    const existing = (await deps.owner.datasets.list()).find((m) => m.name === p.name);
    const last = existing?.history.at(-1);
    if (existing && last?.operation === 'build' && last.details.job === run.id) {
      return { result: { dataset: existing.name, manifest: existing, resumed: true } };
    }
    const built = await buildFromCollection({
      store: deps.tailor.store, collection: spec.collection, kind: p.kind, questionsPerChunk: p.perChunk, maxChunks: p.maxChunks,
      seed: p.seed ?? 42, systemPrompt: p.systemPrompt, logger: deps.logger, abortSignal: run.signal,
      onProgress: (e) => run.progress(e.done, e.total ?? e.done),
    });
    const saved = await saveBuiltDataset({
      home: deps.home, stores: deps.owner, name: p.name, examples: built.examples, mode: p.mode,
      details: { collection: spec.collection, kind: p.kind, generator: built.report.generator, chunks: built.report.chunks, documents: built.report.documents, seed: p.seed ?? 42, job: run.id },
    });
    return { result: { dataset: saved.manifest.name, manifest: saved.manifest, build: built.report } };
  };
}

export interface TrainParams {
  adapter: string;
  dataset: string;
  /** A resolved GGUF path (local) or a model id. */
  base: string;
  backend: TrainBackend;
  hyperparameters: TrainHyperparameters;
}

/** The newest checkpoint a local run left in its folder, by step. */
export function latestCheckpoint(adapterDir: string): { dir: string; step: number; epoch: number } | undefined {
  const root = join(adapterDir, 'checkpoints');
  let best: { dir: string; step: number; epoch: number } | undefined;
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (name.endsWith('.tmp')) continue;
    try {
      const state = JSON.parse(readFileSync(join(root, name, 'state.json'), 'utf8')) as { step: number; epoch: number };
      if (!best || state.step > best.step) best = { dir: join(root, name), step: state.step, epoch: state.epoch };
    } catch {
      // a half-written checkpoint: skip it
    }
  }
  return best;
}

/**
 * Trains an adapter as a job, recording every step's loss and every epoch's validation loss in
 * the run's file. A run the server stopped (or that died with it) continues from its newest
 * checkpoint at the next start; one that cannot is marked interrupted.
 */
export function trainRunner(deps: Pick<ServerDeps, 'home' | 'owner' | 'logger' | 'trainingRuns' | 'env'>) {
  return async (spec: JobSpec, run: JobRun): Promise<JobResult> => {
    const p = spec.params as unknown as TrainParams;
    const runs = deps.trainingRuns;
    const record = runs.get(run.id);
    const adapterDir = deps.owner.adapters.adapterDir(p.adapter);
    let resumeFrom: string | undefined;
    let resume = false;
    if (record && (record.steps.length > 0 || record.status === 'running')) {
      // This run started before: a local one continues from its checkpoint, a remote one polls its recorded job.
      if (p.backend === 'local') {
        const checkpoint = latestCheckpoint(adapterDir);
        if (checkpoint) {
          resumeFrom = checkpoint.dir;
          record.steps = record.steps.filter((s) => s.step <= checkpoint.step);
          record.epochs = record.epochs.filter((e) => e.epoch <= checkpoint.epoch);
        } else {
          record.steps = [];
          record.epochs = [];
        }
        runs.update(run.id, { status: 'running' }, checkpoint ? `resumed after a restart from the checkpoint at step ${checkpoint.step}` : 'restarted from the beginning after a restart (no checkpoint had been written yet)');
      } else {
        resume = true;
        runs.update(run.id, { status: 'running' }, 'resumed after a restart');
      }
    } else {
      runs.update(run.id, { status: 'running' });
    }
    try {
      const trained = await trainAdapter({
        home: deps.home, stores: deps.owner, base: p.base, dataset: p.dataset, backend: p.backend, name: p.adapter, hyperparameters: p.hyperparameters,
        resumeFrom, resume, env: deps.env, logger: deps.logger, abortSignal: run.signal,
        onProgress: (e) => {
          runs.step(run.id, { step: e.step, epoch: e.epoch, loss: e.loss }, e.totalSteps, e.etaSeconds);
          run.progress(e.step, e.totalSteps);
        },
        onEpoch: (e) => runs.epoch(run.id, { epoch: e.epoch, trainLoss: e.trainLoss, ...(e.validationLoss !== undefined ? { validationLoss: e.validationLoss } : {}) }, e.bestEpoch),
      });
      const extra = trained.result.extra ?? {};
      const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      runs.update(run.id, {
        status: 'done',
        bestEpoch: number(extra.bestEpoch),
        stoppedEarly: extra.stoppedEarly === true,
        perplexity: { before: number(extra.perplexityBefore), after: number(extra.perplexityAfter) },
      }, trained.warnings.length ? `warnings: ${trained.warnings.join(' ')}` : undefined);
      return { result: { adapter: trained.adapter.name } };
    } catch (error) {
      const e = toTailorError(error);
      if (run.cancelled()) runs.update(run.id, { status: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled by a user; its last checkpoint stays in the adapter folder.' } });
      else if (run.signal.aborted) runs.update(run.id, { status: 'queued' }, 'the server stopped during training; the run continues from its checkpoint at the next start');
      else runs.update(run.id, { status: 'failed', error: { code: e.code, message: e.message } });
      throw isTailorError(error) ? error : e;
    }
  };
}
