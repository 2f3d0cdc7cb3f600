import { basename } from 'node:path';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { TailorError } from '../../core/errors.js';
import { assertName } from '../../finetune/names.js';
import { TRAIN_BACKENDS } from '../../finetune/train.js';
import { principalOf, type AppContext, type AppEnv, type ServerDeps } from '../context.js';
import { readJson } from '../limits.js';
import { allowedBaseModels, datasetScope, looksLikeLocalModel, mayRead, requireChange, resolveBaseModel } from '../finetune/access.js';
import { isFinal, type TrainingEvent, type TrainingRun } from '../finetune/training-runs.js';
import { startTrainingSchema } from '../finetune/schemas.js';
import type { TrainParams } from '../finetune/runners.js';

const missing = (id: string) => new TailorError('NOT_FOUND', `No training run "${id}" (or your key has no access to it); GET /api/training lists yours.`, { details: { id } });

/** /api/training: the base models on offer, start a run (a job), list, show, follow its losses (SSE), cancel. */
export function trainingRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const runs = deps.trainingRuns;
  // Runs once the job queue can answer; a run still queued resumes from its checkpoint instead.
  void markInterrupted(deps).catch((error) => deps.logger.log('error', `could not check training runs left by the last start: ${(error as Error).message}`));

  const find = (c: AppContext): TrainingRun => {
    const id = c.req.param('id') ?? '';
    const run = runs.get(id);
    if (!run || !mayRead(principalOf(c), run.collections)) throw missing(id);
    return run;
  };

  app.get('/models', (c) => c.json({ models: allowedBaseModels(deps.home, deps.baseModels).map((path) => ({ name: basename(path) })), backends: [...TRAIN_BACKENDS] }));

  app.get('/', (c) => {
    const principal = principalOf(c);
    return c.json({ runs: runs.list().filter((r) => mayRead(principal, r.collections)) });
  });

  app.post('/', async (c) => {
    const principal = principalOf(c);
    const body = await readJson(c, startTrainingSchema);
    const datasetMissing = () => new TailorError('NOT_FOUND', `No dataset "${body.dataset}" (or your key has no access to it); GET /api/datasets lists yours.`, { details: { dataset: body.dataset } });
    const manifest = (await deps.owner.datasets.list()).find((m) => m.name === assertName(body.dataset, 'dataset'));
    if (!manifest) throw datasetMissing();
    const collections = datasetScope(manifest);
    requireChange(principal, collections, datasetMissing);
    // A local run reads a GGUF on this machine: only one the server offers. Remote and export backends take model ids.
    const base = body.backend === 'local' || looksLikeLocalModel(body.base) ? resolveBaseModel(body.base.replace(/^gguf:/, ''), allowedBaseModels(deps.home, deps.baseModels)) : body.base;
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
    const adapter = assertName(body.adapter ?? `${manifest.name}-${body.backend}-${stamp}`, 'adapter');
    const busy = runs.list().some((r) => r.adapter === adapter && !isFinal(r.status));
    if (busy || (await deps.owner.adapters.find(adapter))) {
      throw new TailorError('INVALID_ARGUMENT', `An adapter named "${adapter}" exists already (or is being trained): choose another name, or delete it first.`, { details: { adapter } });
    }
    const params: TrainParams = { adapter, dataset: manifest.name, base, backend: body.backend, hyperparameters: body.hyperparameters ?? {} };
    const slot = await deps.jobs.reserve(principal.keyId, 'train');
    const job = await slot.submit({ kind: 'train', spec: { collection: collections[0] ?? '*', paths: [], params: { ...params } }, total: 0, collections });
    runs.create({ id: job.id, adapter, dataset: manifest.name, base: body.backend === 'local' ? basename(base) : base, backend: body.backend, collections, hyperparameters: { ...params.hyperparameters } });
    return c.json({ jobId: job.id, adapter, events: `/api/training/${job.id}/events` }, 202);
  });

  app.get('/:id', (c) => c.json(find(c)));

  app.post('/:id/cancel', async (c) => {
    const run = find(c);
    requireChange(principalOf(c), run.collections, () => missing(run.id));
    if (isFinal(run.status)) throw new TailorError('INVALID_ARGUMENT', `Training run ${run.id} has already ended (${run.status}).`, { details: { id: run.id, status: run.status } });
    const job = await deps.jobs.cancel(run.id);
    // A run queued when it was cancelled never reaches its runner, so its record ends here.
    if (job?.state === 'failed' && !isFinal(runs.get(run.id)!.status)) runs.update(run.id, { status: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled before it started.' } });
    return c.json({ id: run.id, cancelling: true }, 202);
  });

  // Events: "run" (everything so far, first), then "step" (loss per step), "epoch" (train and
  // validation loss), "state" (status changes); the stream ends with the run.
  app.get('/:id/events', (c) => {
    const run = find(c);
    return streamSSE(c, async (stream) => {
      const queue: TrainingEvent[] = [];
      let wake: () => void = () => {};
      const unsubscribe = runs.watch(run.id, (event) => {
        queue.push(event);
        wake();
      });
      stream.onAbort(() => wake());
      try {
        await stream.writeSSE({ event: 'run', data: JSON.stringify(run) });
        while (!stream.aborted && !isFinal(run.status)) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          for (const event of queue.splice(0)) {
            const { type, ...data } = event;
            await stream.writeSSE({ event: type, data: JSON.stringify(type === 'state' ? event.run : data) });
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}

/** Runs a previous server left unfinished whose job will not run again (forgotten, failed) say so. */
async function markInterrupted(deps: ServerDeps): Promise<void> {
  for (const run of deps.trainingRuns.list()) {
    if (isFinal(run.status)) continue;
    const job = await deps.jobs.get(run.id);
    if (job && !job.finishedAt) continue; // queued again: it resumes from its checkpoint
    deps.trainingRuns.update(run.id, { status: 'interrupted', error: { code: 'INTERRUPTED', message: job?.error ? `The run stopped: ${job.error.message}` : 'The server stopped during this run and its job could not be resumed; start it again (its last checkpoint is in the adapter folder).' } });
  }
}
