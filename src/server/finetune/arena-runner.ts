import { existsSync } from 'node:fs';
import { TailorError } from '../../core/errors.js';
import { runArena } from '../../eval/arena/arena.js';
import { parseArms } from '../../eval/arena/arms.js';
import { arenaRunDir } from '../../eval/arena/run-store.js';
import type { ArmSpec, Protocol } from '../../eval/arena/types.js';
import type { ServerDeps } from '../context.js';
import type { JobResult, JobRun, JobSpec } from '../jobs.js';
import { allowedBaseModels, resolveBaseModel } from './access.js';

export interface ArenaParams {
  runId: string;
  collections: string[];
  arms: ArmSpec[];
  protocol?: Protocol;
  maxQuestions?: number;
  testShare?: number;
  seed?: number;
  train?: boolean;
  epochs?: number;
  rank?: number;
  maxTokens?: number;
}

/**
 * Arms as `tailor arena --arms` writes them, with one rule more for HTTP: a gguf: model must be
 * one the server offers (its path is replaced by the allowed file's), and only local models and
 * the extractive answerer run, so a request cannot make the server read a file or spend a key.
 */
export function parseHttpArms(text: string, k: number | undefined, home: string, configured: readonly string[]): ArmSpec[] {
  const allowed = allowedBaseModels(home, configured);
  return parseArms(text, { k }).map((arm) => {
    if (arm.model === 'extractive') return arm;
    if (!arm.model.startsWith('gguf:')) {
      throw new TailorError('INVALID_ARGUMENT', `Arm "${arm.name}": over HTTP an arm runs "extractive" or "gguf:<a model the server offers>" (GET /api/training/models), not "${arm.model}".`, { details: { arm: arm.name } });
    }
    return { ...arm, model: `gguf:${resolveBaseModel(arm.model.slice('gguf:'.length), allowed)}` };
  });
}

/** Runs an arena as a job in its own line; a run the server stopped continues from its answers checkpoint. */
export function arenaRunner(deps: Pick<ServerDeps, 'home' | 'tailor' | 'owner' | 'logger'>) {
  return async (spec: JobSpec, run: JobRun): Promise<JobResult> => {
    const p = spec.params as unknown as ArenaParams;
    const started = existsSync(arenaRunDir(deps.home, p.runId));
    const config = deps.owner.config;
    const result = await runArena({
      home: deps.home, stores: deps.owner, store: deps.tailor.store, retriever: deps.tailor.retriever, embedder: deps.tailor.embedder,
      fusion: config.fusion ? { ...config.fusion } : undefined, chunking: config.chunking,
      collections: p.collections, arms: p.arms, protocol: p.protocol, maxQuestions: p.maxQuestions, testShare: p.testShare, seed: p.seed,
      train: p.train, trainHyperparameters: { ...(p.epochs ? { epochs: p.epochs } : {}), ...(p.rank ? { rank: p.rank } : {}) },
      maxTokens: p.maxTokens, env: {}, logger: deps.logger, abortSignal: run.signal,
      ...(started ? { resume: p.runId } : { runId: p.runId }),
      onProgress: (e) => {
        run.progress(e.done, e.total ?? e.done);
        run.detail({ phase: e.phase, item: e.item });
      },
    });
    return { result: { runId: result.id, status: result.status } };
  };
}
