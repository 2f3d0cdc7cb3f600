import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readSse, startServer, type Fixture } from './server-fixture.js';

/**
 * Two tenants in one store. The reader key is granted only tenant-alpha; every
 * endpoint is probed and no byte of tenant-bravo (text, title, source, id, name
 * or count) may reach it.
 */
const ALPHA = [
  { source: 'mem://alpha/handbook', title: 'Alpha handbook', text: 'Alpha staff get 30 days of vacation per year. The llama mascot of project alpha is called Dolly. The launch party is in June.' },
  { source: 'mem://alpha/security', title: 'Alpha security', text: 'Alpha passwords must be at least 14 characters long. A lost badge must be reported within one hour.' },
];
const BRAVO = [
  { source: 'mem://bravo/board-minutes', title: 'Bravo board minutes', text: 'The alpha-secret-llama launch code is 7741-ZEBRA. The alpha-secret-llama project ships in March with a budget of 9 million kroner.' },
];
// Markers are words, not bare digit runs: timings in a response may contain any digits.
const BRAVO_MARKERS = ['7741-ZEBRA', 'ZEBRA', 'kroner', 'board minutes', 'board-minutes', 'bravo-plan', 'Quokka'];

let f: Fixture;
let admin: string;
let editor: string;
let reader: string;
let bravoIds: string[];
let bravoJobId: string;
let bravoTraceId: string;
let bravoScopedTraceId: string;
const readerBodies: Array<{ what: string; body: string }> = [];

/** Every reader response passes through here and is checked for tenant-bravo content. */
async function asReader(what: string, path: string, init: Parameters<Fixture['call']>[1] = {}): Promise<{ status: number; body: string; response: Response }> {
  const response = await f.call(path, { ...init, key: reader });
  const body = await response.text();
  readerBodies.push({ what, body });
  for (const marker of BRAVO_MARKERS) assert.ok(!body.includes(marker), `${what}: the reader saw "${marker}" from tenant-bravo:\n${body.slice(0, 500)}`);
  for (const id of bravoIds) assert.ok(!body.includes(id), `${what}: the reader saw a tenant-bravo document id`);
  return { status: response.status, body, response };
}

function upload(collection: string, key: string, files: Array<{ name: string; text: string }>) {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([file.text], { type: 'text/markdown' }), file.name);
  return f.call(`/api/collections/${collection}/documents`, { key, method: 'POST', body: form });
}

async function waitForJob(jobId: string, key: string) {
  for (let i = 0; i < 200; i += 1) {
    const job = await (await f.call(`/api/jobs/${jobId}`, { key })).json();
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('job did not finish');
}

before(async () => {
  f = await startServer({ collections: { 'tenant-alpha': ALPHA, 'tenant-bravo': BRAVO }, manualClose: true });
  admin = f.keys.create({ name: 'root', role: 'admin', collections: ['*'] }).key;
  editor = f.keys.create({ name: 'ed', role: 'editor', collections: ['tenant-alpha'] }).key;
  reader = f.keys.create({ name: 'alice', role: 'reader', collections: ['tenant-alpha'] }).key;
  // A real uploaded file in tenant-bravo, so /file has bytes on disk to (not) serve.
  const uploaded = await upload('tenant-bravo', admin, [{ name: 'bravo-plan.md', text: '# Plan\n\nThe alpha-secret-llama mascot is a Quokka named Bravo.' }]);
  assert.equal(uploaded.status, 202);
  bravoJobId = (await uploaded.json()).jobId;
  const job = await waitForJob(bravoJobId, admin);
  assert.equal(job.state, 'done', JSON.stringify(job));
  const docs = await (await f.call('/api/collections/tenant-bravo/documents', { key: admin })).json();
  bravoIds = docs.map((d: { id: string }) => d.id);
  assert.equal(bravoIds.length, 2);
  // The admin asks about tenant-bravo: that trace must stay invisible to the reader.
  const asked = await (await f.call('/api/ask', { key: admin, json: { question: 'What is the alpha-secret-llama launch code?' } })).json();
  assert.match(asked.text, /7741-ZEBRA/);
  bravoTraceId = asked.traceId;
  const scoped = await (await f.call('/api/ask', { key: admin, json: { question: 'When does the alpha-secret-llama project ship?', collections: ['tenant-bravo'] } })).json();
  assert.match(scoped.text, /March/);
  bravoScopedTraceId = scoped.traceId;
});

after(() => f.close());

describe('access control: a reader granted tenant-alpha only', () => {
  test('search never returns tenant-bravo chunks, even when asked for them by name', async () => {
    const all = JSON.parse((await asReader('search', '/api/search', { json: { query: 'alpha-secret-llama launch code mascot', k: 20 } })).body);
    assert.ok(all.results.length > 0, 'tenant-alpha has matching passages');
    assert.ok(all.results.every((r: { document: { collection: string } }) => r.document.collection === 'tenant-alpha'));
    const named = await asReader('search bravo', '/api/search', { json: { query: 'alpha-secret-llama launch code', collections: ['tenant-bravo'] } });
    assert.equal(named.status, 200);
    assert.deepEqual(JSON.parse(named.body).results, []);
  });

  test('ask (JSON and SSE) never cites or quotes tenant-bravo', async () => {
    for (const collections of [undefined, ['tenant-bravo'], ['tenant-alpha', 'tenant-bravo']]) {
      const { status, body } = await asReader('ask', '/api/ask', { json: { question: 'What is the alpha-secret-llama launch code?', collections } });
      assert.equal(status, 200);
      const answer = JSON.parse(body);
      assert.ok(answer.citations.every((c: { source: string }) => c.source.startsWith('mem://alpha/')));
      assert.ok(answer.trace.retrieved.every((r: { document: { collection: string } }) => r.document.collection === 'tenant-alpha'));
    }
    const streamed = await asReader('ask stream', '/api/ask', { json: { question: 'Which mascot does the alpha-secret-llama project have?', stream: true } });
    assert.equal(streamed.status, 200);
    const events = await readSse(new Response(streamed.body));
    const final = JSON.parse(events.find((e) => e.event === 'answer')!.data);
    assert.ok(final.citations.every((c: { source: string }) => c.source.startsWith('mem://alpha/')));
  });

  test('/v1/chat/completions: rag:tenant-bravo is 404 (plain and streaming); rag:tenant-alpha cites only alpha', async () => {
    for (const stream of [false, true]) {
      const denied = await asReader('chat bravo', '/v1/chat/completions', { json: { model: 'rag:tenant-bravo', stream, messages: [{ role: 'user', content: 'What is the alpha-secret-llama launch code?' }] } });
      assert.equal(denied.status, 404);
      assert.equal(JSON.parse(denied.body).error.code, 'NOT_FOUND');
    }
    const allowed = await asReader('chat alpha', '/v1/chat/completions', { json: { model: 'rag:tenant-alpha', messages: [{ role: 'user', content: 'What is the name of the llama mascot of project alpha?' }] } });
    assert.equal(allowed.status, 200);
    const completion = JSON.parse(allowed.body);
    assert.match(completion.choices[0].message.content, /Dolly/);
    assert.ok(completion.tailor.citations.length > 0);
    assert.ok(completion.tailor.citations.every((c: { source: string }) => c.source.startsWith('mem://alpha/')));
  });

  test('/v1/models and /api/collections list only tenant-alpha', async () => {
    const models = JSON.parse((await asReader('models', '/v1/models')).body);
    assert.deepEqual(models.data.map((m: { id: string }) => m.id).sort(), ['extractive', 'rag:tenant-alpha']);
    const collections = JSON.parse((await asReader('collections', '/api/collections')).body);
    assert.deepEqual(collections, [{ name: 'tenant-alpha', documents: 2, chunks: collections[0].chunks }]);
    for (const body of [JSON.stringify(models), JSON.stringify(collections)]) assert.ok(!body.includes('tenant-bravo'));
  });

  test('documents of tenant-bravo are 404 through every document route (existence is not leaked)', async () => {
    assert.equal((await asReader('bravo list', '/api/collections/tenant-bravo/documents')).status, 404);
    assert.equal((await asReader('missing list', '/api/collections/no-such/documents')).status, 404);
    for (const id of bravoIds) {
      const got = await asReader('doc get', `/api/documents/${id}`);
      const missing = await asReader('doc missing', '/api/documents/000000000000000000000000');
      assert.equal(got.status, 404);
      assert.equal(got.body, missing.body, 'a forbidden document answers exactly like a missing one');
      assert.equal((await asReader('doc file', `/api/documents/${id}/file`)).status, 404);
      assert.equal((await asReader('doc delete', `/api/documents/${id}`, { method: 'DELETE' })).status, 404);
    }
    const alphaDocs = JSON.parse((await asReader('alpha list', '/api/collections/tenant-alpha/documents')).body);
    assert.equal(alphaDocs.length, 2);
    const one = JSON.parse((await asReader('alpha doc', `/api/documents/${alphaDocs[0].id}`)).body);
    assert.match(one.text, /Alpha/);
  });

  test('traces, jobs and metrics reveal nothing of tenant-bravo', async () => {
    const traces = JSON.parse((await asReader('traces', '/api/traces?limit=1000')).body);
    assert.ok(traces.length > 0, 'the reader sees its own traces');
    assert.ok(traces.every((t: { collections: string[] }) => t.collections.every((c) => c === 'tenant-alpha')));
    for (const id of [bravoTraceId, bravoScopedTraceId]) {
      assert.ok(!traces.some((t: { id: string }) => t.id === id));
      assert.equal((await asReader('trace get', `/api/traces/${id}`)).status, 404);
    }
    assert.equal((await asReader('job', `/api/jobs/${bravoJobId}`)).status, 404);
    assert.equal((await asReader('job events', `/api/jobs/${bravoJobId}/events`)).status, 404);
    const metrics = await asReader('metrics', '/metrics');
    assert.match(metrics.body, /http_requests_total\{/);
    assert.ok(!metrics.body.includes('tenant-bravo') && !metrics.body.includes('tenant-alpha'));
  });

  test('the reader cannot write, create keys or upload', async () => {
    assert.equal((await upload('tenant-alpha', reader, [{ name: 'x.md', text: '# X\n\nreader upload' }])).status, 403);
    assert.equal((await asReader('keys', '/api/keys')).status, 403);
    assert.equal((await asReader('create coll', '/api/collections', { json: { name: 'tenant-bravo' } })).status, 403);
    assert.equal((await asReader('sync', '/api/collections/tenant-alpha/sync', { method: 'POST', json: {} })).status, 403);
    assert.ok(readerBodies.length >= 30, `${readerBodies.length} reader responses checked`);
  });
});

describe('access control: admin, editor and missing keys', () => {
  test('an admin sees both tenants', async () => {
    const collections = await (await f.call('/api/collections', { key: admin })).json();
    assert.deepEqual(collections.map((c: { name: string }) => c.name), ['tenant-alpha', 'tenant-bravo']);
    const search = await (await f.call('/api/search', { key: admin, json: { query: 'alpha-secret-llama launch code' } })).json();
    assert.equal(search.results[0].document.collection, 'tenant-bravo');
    const models = await (await f.call('/v1/models', { key: admin })).json();
    assert.ok(models.data.some((m: { id: string }) => m.id === 'rag:tenant-bravo'));
    const traces = await (await f.call('/api/traces', { key: admin })).json();
    assert.ok(traces.some((t: { id: string }) => t.id === bravoTraceId));
  });

  test('an editor granted tenant-alpha uploads there but not to tenant-bravo', async () => {
    const ok = await upload('tenant-alpha', editor, [{ name: 'canteen.md', text: '# Canteen\n\nThe alpha canteen serves pancakes on Fridays.' }]);
    assert.equal(ok.status, 202);
    const job = await waitForJob((await ok.json()).jobId, editor);
    assert.equal(job.state, 'done');
    assert.equal(job.report.counts.new, 1);
    const denied = await upload('tenant-bravo', editor, [{ name: 'evil.md', text: '# Evil\n\noverwrite' }]);
    assert.equal(denied.status, 403);
    assert.equal((await denied.json()).error.code, 'FORBIDDEN');
    const bravoDocs = await (await f.call('/api/collections/tenant-bravo/documents', { key: admin })).json();
    assert.equal(bravoDocs.length, 2, 'nothing was added to tenant-bravo');
    assert.equal((await f.call('/api/collections', { key: editor, json: { name: 'tenant-bravo' } })).status, 403);
  });

  test('no key or a wrong key is 401 on /api and /v1; /health needs none', async () => {
    for (const path of ['/api/collections', '/v1/models', '/api/traces']) {
      const none = await f.call(path);
      assert.equal(none.status, 401);
      assert.equal((await none.json()).error.type, 'authentication_error');
      assert.equal((await f.call(path, { key: 'tlr_wrong' })).status, 401);
    }
    assert.equal((await f.call('/api/search', { json: { query: 'alpha-secret-llama' } })).status, 401);
    assert.equal((await f.call('/health')).status, 200);
  });
});
