import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSse, startServer, type Fixture } from './server-fixture.js';
import { tempDir } from './helpers/temp.js';

function form(files: Array<{ name: string; body: string | Uint8Array; type?: string }>): FormData {
  const data = new FormData();
  for (const file of files) data.append('files', new Blob([file.body], { type: file.type ?? 'application/octet-stream' }), file.name);
  return data;
}

describe('running open (no keys) on loopback', () => {
  test('requests act as admin without a key; a public address is refused unless --insecure-open', async () => {
    const f = await startServer({});
    const me = await (await f.call('/api/me')).json();
    assert.deepEqual([me.role, me.open], ['admin', true]);
    assert.equal((await f.call('/api/collections', { json: { name: 'notes' } })).status, 201);
    assert.deepEqual(await (await f.call('/api/collections')).json(), [{ name: 'notes', documents: 0, chunks: 0 }]);
    await assert.rejects(f.server.listen(0, '0.0.0.0'), (e: { code?: string; message: string }) => e.code === 'INVALID_ARGUMENT' && /--insecure-open/.test(e.message));
    // Once a key exists, the open mode ends.
    f.keys.create({ name: 'admin', role: 'admin', collections: ['*'] });
    assert.equal((await f.call('/api/collections')).status, 401);
  });
});

describe('uploads, jobs and documents', () => {
  test('a multi-file upload runs as a job: progress over SSE, a failed file is reported and the rest are indexed', async () => {
    const f = await startServer({});
    const key = f.keys.create({ name: 'ed', role: 'editor', collections: ['docs'] }).key;
    const uploaded = await f.call('/api/collections/docs/documents', {
      key, method: 'POST',
      body: form([
        { name: 'remote.md', body: '# Remote work\n\nThe home office allowance is 500 EUR per year.', type: 'text/markdown' },
        { name: 'broken.pdf', body: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xff, 0x00, 0x13]), type: 'application/pdf' },
        { name: 'travel.txt', body: 'Train tickets are reimbursed in second class.', type: 'text/plain' },
      ]),
    });
    assert.equal(uploaded.status, 202);
    const { jobId } = await uploaded.json();
    const events = await readSse(await f.call(`/api/jobs/${jobId}/events`, { key }));
    const states = events.map((e) => JSON.parse(e.data));
    const last = states.at(-1);
    assert.equal(last.state, 'done');
    assert.equal(last.total, 3);
    assert.equal(last.done, 3);
    const byName = (name: string) => last.files.find((x: { source: string }) => x.source.endsWith(name));
    assert.equal(byName('remote.md').status, 'new');
    assert.equal(byName('travel.txt').status, 'new');
    assert.equal(byName('broken.pdf').status, 'failed');
    assert.equal(last.report.counts.new, 2);
    assert.deepEqual(await (await f.call(`/api/jobs/${jobId}`, { key })).json(), last);

    const docs = await (await f.call('/api/collections/docs/documents', { key })).json();
    assert.deepEqual(docs.map((d: { status: string }) => d.status).sort(), ['failed', 'indexed', 'indexed']);
    assert.match(docs.find((d: { status: string }) => d.status === 'failed').reason, /^\[[A-Z_]+\] /);

    const remote = docs.find((d: { source: string }) => d.source.endsWith('remote.md'));
    assert.ok(remote.source.startsWith(join(f.home, 'uploads', 'docs')));
    const full = await (await f.call(`/api/documents/${remote.id}`, { key })).json();
    assert.match(full.text, /500 EUR/);
    assert.equal(full.document.id, remote.id);
    const file = await f.call(`/api/documents/${remote.id}/file`, { key });
    assert.equal(file.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assert.match(await file.text(), /^# Remote work/);

    const answer = await (await f.call('/api/ask', { key, json: { question: 'How much is the home office allowance?' } })).json();
    assert.match(answer.text, /500 EUR.*\[1\]/);
    assert.match(answer.traceId, /^tr_/);

    const metrics = await (await f.call('/metrics')).text();
    assert.match(metrics, /^tailor_ingested_documents_total 2$/m);
    assert.match(metrics, /http_requests_total\{route="\/api\/documents\/:id",method="GET",status="200"\} 1/);
    assert.match(metrics, /http_request_duration_seconds_bucket\{route="\/api\/ask",method="POST",le="\+Inf"\} 1/);

    const forgotten = await (await f.call(`/api/documents/${remote.id}`, { key, method: 'DELETE' })).json();
    assert.equal(forgotten.documents[0].documentId, remote.id);
    assert.ok(forgotten.chunksRemoved > 0);
    assert.ok(!existsSync(remote.source), 'the uploaded original is removed too');
    assert.equal((await f.call(`/api/documents/${remote.id}`, { key })).status, 404);
  });

  test('sync re-reads uploads; an admin deletes a whole collection', async () => {
    const f = await startServer({});
    const admin = f.keys.create({ name: 'root', role: 'admin', collections: ['*'] }).key;
    assert.equal((await f.call('/api/collections', { key: admin, json: { name: 'bad/name' } })).status, 400);
    const res = await f.call('/api/collections/notes/documents', { key: admin, method: 'POST', body: form([{ name: 'a.md', body: '# A\n\nApples are red.' }]) });
    const { jobId } = await res.json();
    await readSse(await f.call(`/api/jobs/${jobId}/events`, { key: admin }));
    // A file dropped into the uploads folder is picked up by sync.
    await writeFile(join(f.home, 'uploads', 'notes', 'b.md'), '# B\n\nBananas are yellow.');
    const sync = await (await f.call('/api/collections/notes/sync', { key: admin, method: 'POST', json: {} })).json();
    assert.equal(sync.ingest.counts.new, 1);
    assert.equal(sync.ingest.counts.unchanged, 1);
    const removed = await (await f.call('/api/collections/notes', { key: admin, method: 'DELETE' })).json();
    assert.equal(removed.removedDocuments, 2);
    assert.ok(removed.removedChunks >= 2);
    assert.deepEqual(await (await f.call('/api/collections', { key: admin })).json(), []);
    assert.equal((await f.call('/api/collections/notes', { key: admin, method: 'DELETE' })).status, 404);
  });
});

describe('REST details', () => {
  let f: Fixture;
  test('ask streams delta events then the answer; bad JSON and bad fields are 400 naming the problem', async () => {
    f = await startServer({ collections: { hb: [{ source: 'mem://v', title: 'V', text: 'New employees get 28 days of paid vacation per calendar year.' }] } });
    const key = f.keys.create({ name: 'r', role: 'reader', collections: ['hb'] }).key;
    const events = await readSse(await f.call('/api/ask', { key, json: { question: 'How many vacation days do new employees get?', stream: true } }));
    assert.deepEqual([...new Set(events.map((e) => e.event))], ['delta', 'answer']);
    const text = events.filter((e) => e.event === 'delta').map((e) => JSON.parse(e.data).text).join('');
    const answer = JSON.parse(events.at(-1)!.data);
    assert.equal(text, answer.text);
    assert.match(answer.traceId, /^tr_/);

    const notJson = await f.call('/api/search', { key, method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).error.code, 'INVALID_ARGUMENT');
    const badField = await (await f.call('/api/search', { key, json: { query: 'x', k: 'ten' } })).json();
    assert.match(badField.error.message, /^Invalid request: k: /);
    const unknownRoute = await f.call('/api/nothing', { key });
    assert.equal(unknownRoute.status, 404);
    assert.equal((await unknownRoute.json()).error.code, 'NOT_FOUND');
  });

  test('keys API: an admin creates, lists (without secrets) and revokes keys', async () => {
    const f2 = await startServer({});
    const admin = f2.keys.create({ name: 'root', role: 'admin', collections: ['*'] }).key;
    const created = await f2.call('/api/keys', { key: admin, json: { name: 'bob', role: 'reader', collections: ['hb'] } });
    assert.equal(created.status, 201);
    const { id, key } = await created.json();
    assert.match(key, /^tlr_[A-Za-z0-9_-]{43}$/);
    assert.equal((await f2.call('/api/collections', { key })).status, 200);
    const listed = await (await f2.call('/api/keys', { key: admin })).text();
    assert.ok(!listed.includes(key) && !listed.includes('"hash"'));
    assert.match(listed, /"bob"/);
    assert.equal((await f2.call('/api/keys', { key })).status, 403);
    assert.equal((await f2.call(`/api/keys/${id}`, { key: admin, method: 'DELETE' })).status, 200);
    assert.equal((await f2.call('/api/collections', { key })).status, 401);
  });

  test('the web UI is served at / with index.html for client routes', async () => {
    const web = await tempDir('tailor-web-');
    await mkdir(join(web, 'assets'));
    await writeFile(join(web, 'index.html'), '<!doctype html><title>Tailor UI</title>');
    await writeFile(join(web, 'assets', 'app.js'), 'console.log(1)');
    const f3 = await startServer({ server: { webRoot: web } });
    const root = await f3.call('/');
    assert.match(await root.text(), /Tailor UI/);
    assert.match(await (await f3.call('/collections/hb/documents')).text(), /Tailor UI/);
    const js = await f3.call('/assets/app.js');
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await f3.call('/assets/missing.js')).status, 404);
    assert.equal((await f3.call('/api/nothing')).headers.get('content-type'), 'application/json');
  });
});
