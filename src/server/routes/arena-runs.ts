import { Hono } from 'hono';
import { newRunId } from '../../eval/arena/run-store.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { requireWrite } from '../auth.js';
import { readJson } from '../limits.js';
import { parseHttpArms, type ArenaParams } from '../finetune/arena-runner.js';
import { startArenaSchema } from '../finetune/schemas.js';
import { visibleAdapters } from '../finetune/adapter-models.js';
import { TailorError } from '../../core/errors.js';

/**
 * POST /api/arena/runs: starts an arena run as a job. Following it: GET /api/jobs/:jobId/events;
 * its results: the existing GET /api/arena/runs/:runId (and /report) once it has written them.
 */
export function arenaRunRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/runs', async (c) => {
    const principal = principalOf(c);
    const body = await readJson(c, startArenaSchema);
    // It reads the collections and writes a run others with the same grants see: editor on each.
    for (const name of body.collections) requireWrite(principal, name);
    const arms = parseHttpArms(body.arms, body.k, deps.home, deps.baseModels);
    // An arm may only use an adapter the key can see: its answers end up in the run's report.
    const adapters = new Set((await visibleAdapters(deps.owner, principal)).map((a) => a.name));
    for (const arm of arms) {
      if (arm.adapter && !adapters.has(arm.adapter)) throw new TailorError('NOT_FOUND', `Arm "${arm.name}": no adapter "${arm.adapter}" (or your key has no access to it); GET /api/adapters lists yours.`, { details: { arm: arm.name } });
    }
    const runId = newRunId();
    const params: ArenaParams = { runId, collections: body.collections, arms, protocol: body.protocol, maxQuestions: body.maxQuestions, testShare: body.testShare, seed: body.seed, train: body.train, epochs: body.epochs, rank: body.rank, maxTokens: body.maxTokens };
    const slot = await deps.jobs.reserve(principal.keyId, 'arena');
    const job = await slot.submit({ kind: 'arena', spec: { collection: body.collections[0]!, paths: [], params: { ...params } }, total: 0, collections: body.collections });
    return c.json({ jobId: job.id, runId, events: `/api/jobs/${job.id}/events` }, 202);
  });
  return app;
}
