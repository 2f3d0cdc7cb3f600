import { Hono } from 'hono';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { grants, seesAll } from '../auth.js';
import { adapterScope, datasetScope, mayRead } from '../finetune/access.js';

/** GET /api/stats: what `tailor stats` shows, counted over the collections the key may read. */
export function statsRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const principal = principalOf(c);
    const stats = await deps.tailor.store.doStats();
    const collections = stats.collections.filter((s) => grants(principal, s.name));
    const datasets = (await deps.owner.datasets.list()).filter((m) => mayRead(principal, datasetScope(m)));
    const map = new Map(datasets.map((m) => [m.name, m]));
    const adapters = (await deps.owner.adapters.list()).filter((a) => mayRead(principal, adapterScope(a, map)));
    return c.json({
      documents: collections.reduce((n, s) => n + s.documents, 0),
      chunks: collections.reduce((n, s) => n + s.chunks, 0),
      collections,
      datasets: datasets.length,
      adapters: adapters.length,
      trainingRuns: deps.trainingRuns.list().filter((r) => mayRead(principal, r.collections)).length,
      // Vectors are counted for the whole store only: a key that sees everything gets the figure.
      ...(seesAll(principal) ? { vectors: stats.vectors, embedderId: stats.embedderId ?? null } : {}),
    });
  });
  return app;
}
