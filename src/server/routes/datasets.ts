import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import { assertName, nameFrom } from '../../finetune/names.js';
import type { DatasetManifest } from '../../finetune/datasets/store.js';
import { importDataset, splitDataset, describeDataset } from '../../finetune/datasets/api.js';
import { parseDataset, serializeDataset } from '../../finetune/datasets/formats.js';
import { parseCsvColumns } from '../../finetune/datasets/parse-csv.js';
import { jsonArrayLines } from '../../finetune/datasets/parse-alpaca.js';
import { messagesJsonl } from '../../finetune/export/common.js';
import { principalOf, type AppContext, type AppEnv, type ServerDeps } from '../context.js';
import { requireWrite } from '../auth.js';
import { readJson } from '../limits.js';
import type { Principal } from '../keys.js';
import { datasetScope, mayRead, requireChange } from '../finetune/access.js';
import { readQuery, readUploadedText } from '../finetune/http.js';
import { buildDatasetSchema, exportQuerySchema, previewQuerySchema, splitSchema, uploadFieldsSchema } from '../finetune/schemas.js';
import { safeFileName } from '../uploads.js';
import { assertCollectionName } from '../collections.js';

const missing = (name: string) => new TailorError('NOT_FOUND', `No dataset "${name}" (or your key has no access to it); GET /api/datasets lists yours.`, { details: { dataset: name } });

/** A manifest as the API shows it: with the collections that decide who sees it, without its history's details. */
export function datasetSummary(m: DatasetManifest) {
  return { name: m.name, count: m.count, documents: m.documents, hash: m.hash, splits: m.splits, collections: datasetScope(m), sources: m.sources, createdAt: m.createdAt, updatedAt: m.updatedAt, history: m.history.map((h) => ({ at: h.at, operation: h.operation })) };
}

/** /api/datasets: list, build from a collection (a job), upload, validate, preview, split, export, delete. */
export function datasetRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = deps.owner.datasets;

  /** The manifest when the key may see it; otherwise the same 404 as a dataset that does not exist. */
  async function visible(principal: Principal, name: string): Promise<DatasetManifest> {
    let manifest: DatasetManifest | undefined;
    try {
      manifest = (await store.list()).find((m) => m.name === assertName(name, 'dataset'));
    } catch {
      throw missing(name);
    }
    if (!manifest || !mayRead(principal, datasetScope(manifest))) throw missing(name);
    return manifest;
  }
  const param = (c: AppContext) => c.req.param('name') ?? '';

  app.get('/', async (c) => {
    const principal = principalOf(c);
    const datasets = (await store.list()).filter((m) => mayRead(principal, datasetScope(m))).sort((a, b) => a.name.localeCompare(b.name));
    return c.json({ datasets: datasets.map(datasetSummary) });
  });

  app.post('/build', async (c) => {
    const body = await readJson(c, buildDatasetSchema);
    const principal = principalOf(c);
    assertCollectionName(body.collection);
    requireWrite(principal, body.collection);
    const name = assertName(body.name ?? nameFrom(`${body.collection}-${body.kind}`), 'dataset');
    if ((body.mode ?? 'create') === 'create' && (await store.exists(name))) {
      throw new TailorError('INVALID_ARGUMENT', `A dataset named "${name}" exists already: choose another name, or send mode "append" or "replace".`, { details: { dataset: name } });
    }
    // Appending to or replacing a dataset changes it: the key needs its grants too (404 when it cannot see it).
    if (body.mode === 'append' || body.mode === 'replace') {
      const existing = (await store.list()).find((m) => m.name === name);
      if (existing) requireChange(principal, datasetScope(existing), () => missing(name));
    }
    const slot = await deps.jobs.reserve(principal.keyId, 'dataset-build');
    const job = await slot.submit({ kind: 'dataset-build', spec: { collection: body.collection, paths: [], params: { ...body, name } }, total: 0 });
    return c.json({ jobId: job.id, dataset: name, events: `/api/jobs/${job.id}/events` }, 202);
  });

  app.post('/validate', async (c) => {
    const { name, text, fields } = await readUploadedText(c, uploadFieldsSchema, deps.limits.maxFileBytes);
    const parsed = parseDataset(text, { format: fields.format, origin: safeFileName(name), columns: fields.columns ? parseCsvColumns(fields.columns) : undefined });
    return c.json({ valid: parsed.issues.length === 0 && parsed.examples.length > 0, records: parsed.records, examples: parsed.examples.length, issues: parsed.issues });
  });

  app.post('/upload', async (c) => {
    const principal = principalOf(c);
    const { name: fileName, text, fields } = await readUploadedText(c, uploadFieldsSchema, deps.limits.maxFileBytes);
    // Labelled data belongs to a collection, so the same grants decide who sees it (and the adapters trained on it).
    const collection = fields.collection ?? (principal.collections.includes('*') ? undefined : principal.collections[0]);
    if (collection) {
      assertCollectionName(collection);
      requireWrite(principal, collection);
    }
    else requireChange(principal, [], () => missing(fields.name ?? fileName));
    const name = assertName(fields.name ?? nameFrom(safeFileName(fileName)), 'dataset');
    if (fields.mode && fields.mode !== 'create' && (await store.exists(name))) {
      const existing = await visible(principal, name);
      requireChange(principal, datasetScope(existing), () => missing(name));
    }
    const result = await deps.jobs.exclusive(() =>
      importDataset({
        home: deps.home, stores: deps.owner, file: safeFileName(fileName), text, format: fields.format, name, collection,
        columns: fields.columns ? parseCsvColumns(fields.columns) : undefined, skipInvalid: fields.skipInvalid === 'true', mode: fields.mode,
      }),
    );
    return c.json({ dataset: datasetSummary(result.manifest), records: result.records, imported: result.imported, issues: result.issues, clean: { exactDuplicates: result.clean.exactDuplicates, nearDuplicates: result.clean.nearDuplicates.length } }, 201);
  });

  app.get('/:name', async (c) => {
    const manifest = await visible(principalOf(c), param(c));
    const description = await describeDataset({ home: deps.home, stores: deps.owner, name: manifest.name });
    return c.json({ ...datasetSummary(manifest), tokens: description.tokens, tokenizer: description.tokenizer, kinds: description.kinds, ...(description.raft ? { raft: description.raft } : {}) });
  });

  app.get('/:name/examples', async (c) => {
    const manifest = await visible(principalOf(c), param(c));
    const { offset, limit, split } = readQuery(c, previewQuerySchema);
    const { examples } = await store.load(manifest.name);
    const chosen = split ? examples.filter((e) => e.split === split) : examples;
    return c.json({
      total: chosen.length, offset, limit,
      examples: chosen.slice(offset, offset + limit).map((e) => ({ id: e.id, messages: e.messages, ...(e.split ? { split: e.split } : {}), kind: e.provenance.kind, documentIds: e.provenance.documentIds, ...(e.provenance.origin ? { origin: e.provenance.origin } : {}) })),
    });
  });

  app.post('/:name/split', async (c) => {
    const principal = principalOf(c);
    const manifest = await visible(principal, param(c));
    requireChange(principal, datasetScope(manifest), () => missing(manifest.name));
    const body = await readJson(c, splitSchema);
    if (body.ratios && body.ratios.reduce((a, b) => a + b, 0) <= 0) throw new TailorError('INVALID_ARGUMENT', 'ratios must not all be 0: give train, validation and test shares such as [0.8, 0.1, 0.1].');
    const { manifest: split, report } = await deps.jobs.exclusive(() => splitDataset({ home: deps.home, stores: deps.owner, name: manifest.name, ratios: body.ratios, seed: body.seed ?? 42 }));
    return c.json({ dataset: datasetSummary(split), report });
  });

  app.get('/:name/export', async (c) => {
    const manifest = await visible(principalOf(c), param(c));
    const { format, split } = readQuery(c, exportQuerySchema);
    const { examples } = await store.load(manifest.name);
    const chosen = split ? examples.filter((e) => e.split === split) : examples;
    let text: string;
    let type = 'application/x-ndjson';
    let extension = 'jsonl';
    if (format === 'llama-factory') {
      // LLaMA-Factory's data file: a JSON array of {messages}, as `tailor train --backend llama-factory` writes it.
      text = jsonArrayLines(chosen.map((e) => ({ messages: e.messages })));
      type = 'application/json';
      extension = 'json';
    } else if (format === 'axolotl') {
      text = messagesJsonl(chosen);
    } else {
      const serialized = serializeDataset(chosen, format === 'chatml' ? 'chat' : format);
      text = serialized.text;
      if (format === 'csv') [type, extension] = ['text/csv', 'csv'];
      if (format === 'alpaca') [type, extension] = ['application/json', 'json'];
      if (serialized.warnings.length) c.header('X-Tailor-Warnings', encodeURIComponent(serialized.warnings.join(' ')));
    }
    c.header('Content-Disposition', `attachment; filename="${manifest.name}${split ? `-${split}` : ''}.${format}.${extension}"`);
    return c.body(text, 200, { 'Content-Type': `${type}; charset=utf-8` });
  });

  app.delete('/:name', async (c) => {
    const principal = principalOf(c);
    const manifest = await visible(principal, param(c));
    requireChange(principal, datasetScope(manifest), () => missing(manifest.name));
    // Only the dataset goes: adapters trained on it keep its hash and example ids in their manifests.
    await deps.jobs.exclusive(() => store.delete(manifest.name));
    return c.json({ deleted: manifest.name });
  });

  return app;
}
