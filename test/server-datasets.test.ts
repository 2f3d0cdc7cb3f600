import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Fixture } from './server-fixture.js';
import * as schemas from '../src/server/finetune/schemas.js';

/**
 * Datasets over HTTP against a real server: built from a collection as a job, uploaded with
 * line-level validation, previewed, split without leakage, exported, deleted, and never seen by a
 * key without a grant for the collection they came from (404, like a dataset that does not exist).
 */
const HR = [
  { source: 'mem://hr/leave', title: 'Leave policy', text: 'New employees get 25 days of paid leave per year. Unused leave days expire at the end of March of the following year.' },
  { source: 'mem://hr/remote', title: 'Remote work', text: 'Staff may work remotely two days per week. Laptops must be encrypted and locked when unattended.' },
  { source: 'mem://hr/security', title: 'Security', text: 'Passwords must be at least 14 characters long. A lost badge must be reported to the security office within one hour.' },
];
const PUBLIC = [{ source: 'mem://public/about', title: 'About us', text: 'The company was founded in 1999 and makes robotic arms for factories.' }];

let f: Fixture;
let admin: string;
let hrEditor: string;
let hrReader: string;
let publicReader: string;
let buildJob: string;

async function waitForJob(jobId: string, key: string) {
  for (let i = 0; i < 400; i += 1) {
    const job = await (await f.call(`/api/jobs/${jobId}`, { key })).json();
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

function uploadForm(fields: Record<string, string>, text: string, name = 'facts.csv'): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

before(async () => {
  f = await startServer({ collections: { hr: HR, public: PUBLIC }, manualClose: true });
  admin = f.keys.create({ name: 'root', role: 'admin', collections: ['*'] }).key;
  hrEditor = f.keys.create({ name: 'hr-ed', role: 'editor', collections: ['hr'] }).key;
  hrReader = f.keys.create({ name: 'hr-reader', role: 'reader', collections: ['hr'] }).key;
  publicReader = f.keys.create({ name: 'pub', role: 'reader', collections: ['public'] }).key;
});
after(() => f.close());

describe('datasets over HTTP', () => {
  test('build from a collection as a job with progress; the dataset carries the collection', async () => {
    const started = await f.call('/api/datasets/build', { key: hrEditor, json: { collection: 'hr', kind: 'qa', name: 'hr-qa', perChunk: 2 } });
    assert.equal(started.status, 202);
    const { jobId, events } = await started.json();
    buildJob = jobId;
    assert.equal(events, `/api/jobs/${jobId}/events`);
    const job = await waitForJob(jobId, hrEditor);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.equal(job.kind, 'dataset-build');
    assert.ok(job.total > 0 && job.done === job.total, `progress ${job.done}/${job.total}`);
    assert.equal(job.result.dataset, 'hr-qa');
    const list = schemas.datasetListSchema.parse(await (await f.call('/api/datasets', { key: hrReader })).json());
    schemas.datasetSummarySchema.parse(await (await f.call('/api/datasets/hr-qa', { key: hrReader })).json());
    const hrQa = list.datasets.find((d) => d.name === 'hr-qa')!;
    assert.deepEqual(hrQa.collections, ['hr']);
    assert.ok(hrQa.count >= 3 && hrQa.documents === 3, JSON.stringify(hrQa));
    // A reader cannot build.
    const refused = await f.call('/api/datasets/build', { key: hrReader, json: { collection: 'hr', kind: 'qa', name: 'x' } });
    assert.equal(refused.status, 403);
    // Cancelling needs an editor of the collection, and a job that has not ended.
    assert.equal((await f.call(`/api/jobs/${jobId}/cancel`, { key: hrReader, method: 'POST' })).status, 403);
    const ended = await f.call(`/api/jobs/${jobId}/cancel`, { key: hrEditor, method: 'POST' });
    assert.equal(ended.status, 400);
    assert.match((await ended.json()).error.message, /already ended \(done\)/);
    const badKind = await f.call('/api/datasets/build', { key: hrEditor, json: { collection: 'hr', kind: 'poetry' } });
    assert.equal(badKind.status, 400);
    assert.match((await badKind.json()).error.message, /kind/);
  });

  test('a public reader never sees or touches the hr dataset: every route answers 404', async () => {
    const list = await (await f.call('/api/datasets', { key: publicReader })).json();
    assert.ok(!JSON.stringify(list).includes('hr-qa'));
    for (const [method, path, json] of [
      ['GET', '/api/datasets/hr-qa', undefined],
      ['GET', '/api/datasets/hr-qa/examples', undefined],
      ['GET', '/api/datasets/hr-qa/export?format=chatml', undefined],
      ['POST', '/api/datasets/hr-qa/split', {}],
      ['DELETE', '/api/datasets/hr-qa', undefined],
    ] as const) {
      const response = await f.call(path, { key: publicReader, method, json });
      assert.equal(response.status, 404, `${method} ${path}`);
      const body = await response.text();
      assert.ok(!body.includes('Leave policy') && !body.includes('25 days'), `${method} ${path} leaked content`);
    }
    // Nor the job that built it, nor cancel it.
    assert.equal((await f.call(`/api/jobs/${buildJob}`, { key: publicReader })).status, 404);
    assert.equal((await f.call(`/api/jobs/${buildJob}/cancel`, { key: publicReader, method: 'POST' })).status, 404);
    const stats = await (await f.call('/api/stats', { key: publicReader })).json();
    assert.deepEqual(stats.collections.map((c: { name: string }) => c.name), ['public']);
    assert.equal(stats.datasets, 0);
    assert.equal(stats.documents, 1);
    const hrStats = schemas.statsSchema.parse(await (await f.call('/api/stats', { key: hrReader })).json());
    assert.equal(hrStats.datasets, 1);
    // An editor of public cannot overwrite it by building or uploading under its name.
    const publicEditor = f.keys.create({ name: 'pub-ed', role: 'editor', collections: ['public'] }).key;
    assert.equal((await f.call('/api/datasets/build', { key: publicEditor, json: { collection: 'public', kind: 'qa', name: 'hr-qa', mode: 'replace' } })).status, 404);
    const form = uploadForm({ format: 'chat', collection: 'public', name: 'hr-qa', mode: 'replace' }, '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n', 'x.jsonl');
    assert.equal((await f.call('/api/datasets/upload', { key: publicEditor, method: 'POST', body: form })).status, 404);
    assert.equal((await (await f.call('/api/datasets/hr-qa', { key: hrReader })).json()).collections[0], 'hr');
    // A reader of hr sees it but cannot delete it.
    assert.equal((await f.call('/api/datasets/hr-qa', { key: hrReader, method: 'DELETE' })).status, 403);
  });

  test('preview is paged; split keeps every document in one split; exports in each format', async () => {
    const page1 = schemas.previewSchema.parse(await (await f.call('/api/datasets/hr-qa/examples?offset=0&limit=2', { key: hrReader })).json());
    assert.equal(page1.examples.length, 2);
    const page2 = await (await f.call('/api/datasets/hr-qa/examples?offset=2&limit=2', { key: hrReader })).json();
    assert.equal(page2.total, page1.total);
    assert.notEqual(page2.examples[0].id, page1.examples[0].id);
    assert.equal((await f.call('/api/datasets/hr-qa/examples?limit=5000', { key: hrReader })).status, 400);

    const split = await f.call('/api/datasets/hr-qa/split', { key: hrEditor, json: { ratios: [0.34, 0.33, 0.33], seed: 7 } });
    assert.equal(split.status, 200);
    const { dataset } = schemas.splitResultSchema.parse(await split.json());
    assert.equal(dataset.splits.unassigned, 0);
    const all = await (await f.call(`/api/datasets/hr-qa/examples?limit=200`, { key: hrReader })).json();
    const splitOf = new Map<string, string>();
    for (const e of all.examples) {
      for (const doc of e.documentIds) {
        assert.ok(!splitOf.has(doc) || splitOf.get(doc) === e.split, `document ${doc} is in ${splitOf.get(doc)} and ${e.split}`);
        splitOf.set(doc, e.split);
      }
    }
    const chat = await f.call('/api/datasets/hr-qa/export?format=chatml', { key: hrReader });
    assert.equal(chat.status, 200);
    const lines = (await chat.text()).trim().split('\n');
    assert.equal(lines.length, all.total);
    assert.ok(JSON.parse(lines[0]!).messages.length >= 2);
    const alpaca = JSON.parse(await (await f.call('/api/datasets/hr-qa/export?format=alpaca&split=train', { key: hrReader })).text());
    assert.equal(alpaca.length, dataset.splits.train);
    assert.ok('instruction' in alpaca[0] && 'output' in alpaca[0]);
    const factory = JSON.parse(await (await f.call('/api/datasets/hr-qa/export?format=llama-factory', { key: hrReader })).text());
    assert.equal(factory.length, all.total);
    const axolotl = await (await f.call('/api/datasets/hr-qa/export?format=axolotl', { key: hrReader })).text();
    assert.equal(axolotl.trim().split('\n').length, all.total);
    assert.equal((await f.call('/api/datasets/hr-qa/export?format=parquet', { key: hrReader })).status, 400);
  });

  test('upload validates every line: errors name the lines, nothing is stored until they are fixed or skipped', async () => {
    const rows = ['"Where does Tom live?","Tom lives in a red house."', '"What does Sue like?","Sue likes big dogs."', '"What is in the box?",""', '"Who found the ball?","Lily found the ball."'];
    const csv = `prompt,completion\n${rows.join('\n')}\n`;
    const checked = schemas.validateResultSchema.parse(await (await f.call('/api/datasets/validate', { key: hrReader, method: 'POST', body: uploadForm({ format: 'csv' }, csv) })).json());
    assert.equal(checked.valid, false);
    assert.deepEqual(checked.issues.map((i: { line: number; problem: string }) => [i.line, i.problem]), [[4, 'empty-answer']]);

    const refused = await f.call('/api/datasets/upload', { key: hrEditor, method: 'POST', body: uploadForm({ format: 'csv', collection: 'hr', name: 'facts' }, csv) });
    assert.equal(refused.status, 400);
    const error = (await refused.json()).error;
    assert.equal(error.code, 'DATASET_INVALID');
    assert.match(error.message, /line 4/);
    assert.deepEqual(error.details.issues.map((i: { line: number }) => i.line), [4]);
    assert.equal((await f.call('/api/datasets/facts', { key: hrEditor })).status, 404, 'nothing stored');

    const badJson = await f.call('/api/datasets/upload', { key: hrEditor, method: 'POST', body: uploadForm({ format: 'chat', collection: 'hr', name: 'chat' }, '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n{not json\n', 'chat.jsonl') });
    assert.equal(badJson.status, 400);
    assert.deepEqual((await badJson.json()).error.details.issues.map((i: { line: number; problem: string }) => [i.line, i.problem]), [[2, 'bad-json']]);

    const stored = await f.call('/api/datasets/upload', { key: hrEditor, method: 'POST', body: uploadForm({ format: 'csv', collection: 'hr', name: 'facts', skipInvalid: 'true' }, csv) });
    assert.equal(stored.status, 201);
    const body = schemas.uploadResultSchema.parse(await stored.json());
    assert.equal(body.imported, 3);
    assert.deepEqual(body.dataset.collections, ['hr']);
    // Uploading into a collection the key has no grant for is refused.
    const foreign = await f.call('/api/datasets/upload', { key: hrEditor, method: 'POST', body: uploadForm({ format: 'csv', collection: 'public', name: 'p', skipInvalid: 'true' }, csv) });
    assert.equal(foreign.status, 403);
    assert.equal((await f.call('/api/datasets/upload', { key: hrEditor, method: 'POST', body: uploadForm({ format: 'xml' }, csv) })).status, 400);
    // The public reader does not see it; the hr editor deletes it.
    assert.equal((await f.call('/api/datasets/facts', { key: publicReader })).status, 404);
    const deleted = await f.call('/api/datasets/facts', { key: hrEditor, method: 'DELETE' });
    assert.deepEqual(await deleted.json(), { deleted: 'facts' });
    assert.equal((await f.call('/api/datasets/facts', { key: admin })).status, 404);
  });
});

describe('evaluation over HTTP', () => {
  test('POST /api/arena/runs starts a run as a job; its result is served by the arena routes, to keys that see its collections', { timeout: 120_000 }, async () => {
    const refused = await f.call('/api/arena/runs', { key: hrReader, json: { collections: ['hr'], arms: 'rag=extractive' } });
    assert.equal(refused.status, 403);
    const fileArm = await f.call('/api/arena/runs', { key: hrEditor, json: { collections: ['hr'], arms: 'rag=extractive,base=gguf:/etc/passwd' } });
    assert.equal(fileArm.status, 400);
    assert.match((await fileArm.json()).error.message, /not a base model this server offers/);
    const started = await f.call('/api/arena/runs', { key: hrEditor, json: { collections: ['hr'], arms: 'rag=extractive,rag-k1=extractive+k:1', maxQuestions: 6, seed: 1 } });
    assert.equal(started.status, 202);
    const { jobId, runId } = await started.json();
    const job = await waitForJob(jobId, hrEditor);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.equal(job.result.runId, runId);
    const run = await (await f.call(`/api/arena/runs/${runId}`, { key: hrReader })).json();
    assert.deepEqual(run.arms.map((a: { name: string }) => a.name), ['rag', 'rag-k1']);
    assert.ok(run.questions.total > 0);
    assert.equal((await f.call(`/api/arena/runs/${runId}/report`, { key: hrReader })).status, 200);
    assert.equal((await f.call(`/api/arena/runs/${runId}`, { key: publicReader })).status, 404);
    assert.equal((await f.call(`/api/jobs/${jobId}`, { key: publicReader })).status, 404);
  });
});

describe('route docs', () => {
  test('every documented route is served (no "No such API route"), and every body schema converts to JSON Schema', async () => {
    const { z } = await import('zod');
    const { datasetRouteDocs } = await import('../src/server/routes/datasets.docs.js');
    const { trainingRouteDocs } = await import('../src/server/routes/training.docs.js');
    const { adapterRouteDocs } = await import('../src/server/routes/adapters.docs.js');
    const { arenaRunRouteDocs } = await import('../src/server/routes/arena-runs.docs.js');
    const { statsRouteDocs } = await import('../src/server/routes/stats.docs.js');
    const docs = [...datasetRouteDocs, ...trainingRouteDocs, ...adapterRouteDocs, ...arenaRunRouteDocs, ...statsRouteDocs];
    assert.equal(docs.length, 20);
    const { HTTP_TRAIN_BACKENDS } = await import('../src/server/finetune/schemas.js');
    const { TRAIN_BACKENDS } = await import('../src/finetune/train.js');
    assert.deepEqual([...HTTP_TRAIN_BACKENDS], [...TRAIN_BACKENDS], 'the schema offers every training backend');
    for (const doc of docs) {
      for (const schema of [doc.body, doc.query, doc.response]) if (schema) z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      const path = doc.path.replace(':name', 'no-such').replace(':id', 'job_0000000000000000');
      const response = await f.call(path, { key: admin, method: doc.method.toUpperCase(), ...(doc.method === 'post' && doc.bodyContentType === undefined ? { json: {} } : {}) });
      const body = await response.text();
      assert.ok(!body.includes('No such API route'), `${doc.method} ${doc.path} is documented but not served`);
    }
  });
});
