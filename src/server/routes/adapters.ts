import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import type { DatasetManifest } from '../../finetune/datasets/store.js';
import type { AdapterManifest } from '../../finetune/registry.js';
import { retrainCommand } from '../../finetune/lineage.js';
import { assertName } from '../../finetune/names.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import type { Principal } from '../keys.js';
import { adapterScope, mayRead, requireChange } from '../finetune/access.js';

const missing = (name: string) => new TailorError('NOT_FOUND', `No adapter "${name}" (or your key has no access to it); GET /api/adapters lists yours.`, { details: { adapter: name } });

const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An adapter as listed: without its (long) example and document id lists. */
export function adapterSummary(a: AdapterManifest, scope: string[]) {
  const { exampleIds, documentIds, ...dataset } = a.dataset;
  return {
    name: a.name, backend: a.backend, format: a.format, createdAt: a.createdAt, baseModel: { ref: a.baseModel.ref.split(/[\\/]/).pop() ?? a.baseModel.ref, ...(a.baseModel.sha256 ? { sha256: a.baseModel.sha256 } : {}) },
    dataset: { ...dataset, examples: exampleIds.length, documents: documentIds.length }, collections: scope,
    metrics: { trainLoss: a.metrics.trainLoss, validationLoss: a.metrics.validationLoss, steps: a.metrics.steps, tokens: a.metrics.tokens, seconds: a.metrics.seconds },
    containsErasedData: a.containsErasedData === true,
  };
}

/** /api/adapters: list, show (with lineage to documents and the erased-data flag), delete. */
export function adapterRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const registry = deps.owner.adapters;
  const datasets = deps.owner.datasets;
  const datasetMap = async () => new Map<string, DatasetManifest>((await datasets.list()).map((m) => [m.name, m]));

  async function visible(principal: Principal, name: string): Promise<{ adapter: AdapterManifest; scope: string[]; dataset?: DatasetManifest }> {
    let adapter: AdapterManifest | undefined;
    try {
      adapter = await registry.find(assertName(name, 'adapter'));
    } catch {
      throw missing(name);
    }
    if (!adapter) throw missing(name);
    const map = await datasetMap();
    const scope = adapterScope(adapter, map);
    if (!mayRead(principal, scope)) throw missing(name);
    return { adapter, scope, dataset: adapter.dataset.name ? map.get(adapter.dataset.name) : undefined };
  }

  app.get('/', async (c) => {
    const principal = principalOf(c);
    const map = await datasetMap();
    const list = (await registry.list()).map((a) => ({ a, scope: adapterScope(a, map) })).filter(({ scope }) => mayRead(principal, scope));
    return c.json({ adapters: list.map(({ a, scope }) => adapterSummary(a, scope)) });
  });

  app.get('/:name', async (c) => {
    const { adapter, scope, dataset } = await visible(principalOf(c), c.req.param('name'));
    const ids = adapter.dataset.documentIds;
    // Lineage: the documents the training examples came from, as the store knows them now; an erased one is gone from it.
    const stored = ids.length ? await deps.tailor.store.doListDocuments({ ids }) : [];
    const byId = new Map(stored.map((d) => [d.id, d]));
    const erased = new Set((adapter.erasures ?? []).flatMap((e) => e.documentIds));
    const documents = ids.map((id) => {
      const d = byId.get(id);
      return { id, source: d?.source ?? null, title: d?.title ?? null, collection: d?.collection ?? null, erased: erased.has(id) || !d };
    });
    const extra = adapter.extra ?? {};
    return c.json({
      ...adapterSummary(adapter, scope),
      hyperparameters: adapter.hyperparameters,
      perplexity: { before: finite(extra.perplexityBefore), after: finite(extra.perplexityAfter) },
      bestEpoch: finite(extra.bestEpoch),
      stoppedEarly: extra.stoppedEarly === true,
      stepLosses: Array.isArray(extra.stepLosses) ? extra.stepLosses : [],
      lineage: { documents, dataset: { name: adapter.dataset.name ?? null, exists: dataset !== undefined, hashMatches: dataset?.hash === adapter.dataset.hash } },
      erasures: adapter.erasures ?? [],
      ...(adapter.containsErasedData ? { retrainCommand: retrainCommand(adapter) } : {}),
    });
  });

  app.delete('/:name', async (c) => {
    const principal = principalOf(c);
    const { adapter, scope } = await visible(principal, c.req.param('name'));
    requireChange(principal, scope, () => missing(adapter.name));
    await registry.delete(adapter.name);
    return c.json({ deleted: adapter.name });
  });

  return app;
}
