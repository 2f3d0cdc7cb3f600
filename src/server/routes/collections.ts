import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { notFoundCollection, requireRead, requireRole, requireWrite, seesAll } from '../auth.js';
import { readJson } from '../limits.js';
import { createCollectionSchema } from '../schemas.js';
import { assertCollectionName } from '../collections.js';
import { uploadFiles } from '../uploads.js';

/** /api/collections: list, create, delete, the documents in one, uploads and sync. */
export function collectionRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const principal = principalOf(c);
    const all = await deps.catalog.list();
    if (seesAll(principal)) return c.json(all);
    const byName = new Map(all.map((s) => [s.name, s]));
    return c.json([...new Set(principal.collections)].sort().map((name) => byName.get(name) ?? { name, documents: 0, chunks: 0 }));
  });

  app.post('/', async (c) => {
    const { name } = await readJson(c, createCollectionSchema);
    assertCollectionName(name);
    requireWrite(principalOf(c), name);
    deps.catalog.create(name);
    return c.json({ name }, 201);
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    const principal = principalOf(c);
    requireRole(principal, 'admin');
    assertCollectionName(name);
    // Admin is a role, not a grant: an admin scoped to other collections cannot delete this one.
    requireWrite(principal, name);
    const result = await deps.jobs.exclusive(async () => {
      const documents = await deps.tailor.store.doListDocuments({ filter: { collections: [name] } });
      const known = documents.length > 0 || (await deps.catalog.list()).some((s) => s.name === name);
      if (!known) throw notFoundCollection(name);
      const removed = await deps.owner.deleteCollection(name);
      deps.catalog.remove(name);
      return removed;
    });
    return c.json(result);
  });

  app.get('/:name/documents', async (c) => {
    const name = c.req.param('name');
    requireRead(principalOf(c), name);
    const documents = await deps.tailor.store.doListDocuments({ filter: { collections: [name] } });
    const indexed = documents.map((d) => ({
      id: d.id, source: d.source, title: d.title, format: d.format, status: 'indexed' as const,
      sizeBytes: d.sizeBytes, modifiedAt: d.modifiedAt, ingestedAt: d.ingestedAt,
    }));
    const problems = deps.catalog.problems(name).map((f) => ({
      id: null, source: f.source, title: f.source.split(/[\\/]/).pop() ?? f.source, format: null,
      status: f.status === 'failed' ? ('failed' as const) : ('duplicate' as const),
      reason: f.status === 'failed' ? `[${f.error.code}] ${f.error.message}` : f.status === 'duplicate' ? `${f.kind} duplicate of ${f.duplicateOf}` : undefined,
      modifiedAt: null, ingestedAt: null,
    }));
    return c.json([...indexed, ...problems]);
  });

  app.post('/:name/documents', async (c) => {
    const name = c.req.param('name');
    assertCollectionName(name);
    requireWrite(principalOf(c), name);
    const job = await uploadFiles(deps, c, name);
    return c.json({ jobId: job.id }, 202);
  });

  app.post('/:name/sync', async (c) => {
    const name = c.req.param('name');
    assertCollectionName(name);
    requireWrite(principalOf(c), name);
    const dir = deps.catalog.uploadsDir(name);
    const report = await deps.jobs.exclusive(() => deps.owner.sync({ collection: name, paths: existsSync(dir) ? [dir] : [] }));
    deps.catalog.recordOutcomes(name, report.ingest.files);
    deps.metrics.addIngestedDocuments(report.ingest.counts.new + report.ingest.counts.changed + report.ingest.counts.renamed);
    return c.json(report);
  });

  return app;
}
