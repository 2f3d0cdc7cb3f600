import { describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { makeZip } from './helpers/zip.js';
import { deflateBomb, stallingMarkdown } from './fixtures/bad-inputs.js';
import { makePptx } from './fixtures/office-files.js';
import { readSse, startServer } from './server-fixture.js';
import { prepareSecurityHome, rawRequest, startBuiltServer } from './helpers/built-server.js';

describe('hostile files through the upload API', () => {
  test('a zip bomb and 50,000-deep HTML uploaded by an editor are refused with their code; the rest of the batch and other requests go on', async () => {
    const f = await startServer({});
    const key = f.keys.create({ name: 'ed', role: 'editor', collections: ['docs'] }).key;
    const bomb = makeZip([
      { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
      { name: 'word/document.xml', data: deflateBomb('<w:document><w:body><w:p><w:r><w:t>', 512), deflated: true, declaredSize: 2048 },
    ]);
    const data = new FormData();
    const add = (name: string, body: string | Uint8Array) => data.append('files', new Blob([body]), name);
    add('bomb.docx', bomb);
    add('deep.html', `<html><body>${'<div>'.repeat(50_000)}x${'</div>'.repeat(50_000)}</body></html>`);
    add('deck.pptx', makePptx([{ title: 'Roadmap', body: ['Ship the importer in June'] }]));
    const uploaded = await f.call('/api/collections/docs/documents', { key, method: 'POST', body: data });
    assert.equal(uploaded.status, 202, await uploaded.clone().text());
    const { jobId } = await uploaded.json();
    const last = (await readSse(await f.call(`/api/jobs/${jobId}/events`, { key }))).map((e) => JSON.parse(e.data)).at(-1);
    assert.equal(last.state, 'done');
    const byName = (name: string) => last.files.find((x: { source: string }) => x.source.endsWith(name));
    assert.equal(byName('bomb.docx').error.code, 'LIMIT_EXCEEDED');
    assert.match(byName('bomb.docx').error.message, /inflates to more than 64\.0 MB/);
    assert.equal(byName('deep.html').error.code, 'LIMIT_EXCEEDED');
    assert.equal(byName('deck.pptx').status, 'new');
    // The service is still up and answers other requests.
    const search = await f.call('/api/search', { key, method: 'POST', json: { query: 'importer June', collections: ['docs'] } });
    assert.equal(search.status, 200, await search.clone().text());
    assert.ok((await search.json()).results.some((hit: { document: { source: string } }) => hit.document.source.endsWith('deck.pptx')));
    const me = await f.call('/api/me', { key });
    assert.equal(me.status, 200);
  });

  test('a file stuck in one synchronous parse is stopped at the server\'s parse limit; requests are served while it runs; the rest of the batch goes in', async () => {
    const f = await startServer({ server: { limits: { maxLoadMillis: 3000 } } });
    const key = f.keys.create({ name: 'ed', role: 'editor', collections: ['docs'] }).key;
    const data = new FormData();
    data.append('files', new Blob([stallingMarkdown()]), 'stall.md');
    data.append('files', new Blob(['# Minutes\n\nThe board approved the Porto office.\n']), 'minutes.md');
    const uploaded = await f.call('/api/collections/docs/documents', { key, method: 'POST', body: data });
    assert.equal(uploaded.status, 202, await uploaded.clone().text());
    const { jobId } = await uploaded.json();

    // While the parse is stuck (minutes if nothing stopped it), the service answers other requests.
    let job = await (await f.call(`/api/jobs/${jobId}`, { key })).json();
    for (let i = 0; i < 200 && job.state === 'queued'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = await (await f.call(`/api/jobs/${jobId}`, { key })).json();
    }
    assert.equal(job.state, 'running');
    const me = await f.call('/api/me', { key });
    assert.equal(me.status, 200);
    const search = await f.call('/api/search', { key, method: 'POST', json: { query: 'Porto office', collections: ['docs'] } });
    assert.equal(search.status, 200, await search.clone().text());
    assert.equal((await (await f.call(`/api/jobs/${jobId}`, { key })).json()).state, 'running', 'those requests were served while the parse ran');

    const last = (await readSse(await f.call(`/api/jobs/${jobId}/events`, { key }))).map((e) => JSON.parse(e.data)).at(-1);
    assert.equal(last.state, 'done');
    const byName = (name: string) => last.files.find((x: { source: string }) => x.source.endsWith(name));
    assert.equal(byName('stall.md').error.code, 'LIMIT_EXCEEDED');
    assert.match(byName('stall.md').error.message, /stall\.md took \d+\.\d s to load \(stopped while parsing[^)]*\), over the 3 s limit per file[^]*--max-seconds/);
    assert.equal(byName('minutes.md').status, 'new');
    // The store holds the good file and nothing of the stalled one.
    const found = await (await f.call('/api/search', { key, method: 'POST', json: { query: 'Porto office never reached body', collections: ['docs'] } })).json();
    assert.deepEqual([...new Set(found.results.map((hit: { document: { source: string } }) => hit.document.source.split('/').pop()))], ['minutes.md']);
  });

  test('the built `tailor serve --max-seconds 2` stops a stalled upload parse at 2 s and answers meanwhile', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tailor-upload-stall-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const home = await prepareSecurityHome(dir);
    const server = await startBuiltServer(home.home, ['--max-seconds', '2', '--rate', '0']);
    t.after(() => server.stop());
    const boundary = 'stall-boundary';
    const part = (name: string, text: string) => `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/markdown\r\n\r\n${text}\r\n`;
    const body = Buffer.from(part('stall.md', stallingMarkdown()) + part('rota.md', '# Rota\n\nThe night shift rota changes in March.\n') + `--${boundary}--\r\n`);
    const key = home.keys.hrEditor;
    const uploaded = await rawRequest(`${server.url}/api/collections/hr/documents`, { method: 'POST', key, body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(uploaded.status, 202, uploaded.text);
    const { jobId } = uploaded.json();
    let job = uploaded.json();
    let servedWhileRunning = false;
    for (let i = 0; i < 600 && job.state !== 'done' && job.state !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await rawRequest(`${server.url}/api/jobs/${jobId}`, { key })).json();
      if (job.state === 'running') servedWhileRunning ||= (await rawRequest(`${server.url}/api/me`, { key })).status === 200;
    }
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.ok(servedWhileRunning, 'a request was answered while the upload was being parsed');
    const stalled = job.files.find((f: { source: string }) => f.source.endsWith('stall.md'));
    assert.equal(stalled.error.code, 'LIMIT_EXCEEDED');
    assert.match(stalled.error.message, /over the 2 s limit per file[^]*--max-seconds/);
    assert.equal(job.files.find((f: { source: string }) => f.source.endsWith('rota.md')).status, 'new');
  });
});
