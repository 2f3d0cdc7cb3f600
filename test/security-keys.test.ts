/**
 * Issue 12, row 1 and the rows that held: keys reach only within their own grants,
 * per-collection access, bad keys, path tricks and upload names — replayed against
 * the built server (`node dist/cli/main.js serve`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSecurityHome, rawRequest, startBuiltServer, type BuiltServer, type SecurityHome } from './helpers/built-server.js';

let dir: string;
let home: SecurityHome;
let server: BuiltServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-security-keys-'));
  home = await prepareSecurityHome(dir);
  server = await startBuiltServer(home.home);
});
after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const call = (path: string, init: Parameters<typeof rawRequest>[1] = {}) => rawRequest(server.url + path, init);

describe('row 1: a key creates, lists and revokes only keys within its own grants', () => {
  test('an admin granted only "public" cannot mint a key for every collection, or for hr', async () => {
    for (const body of [
      { name: 'escalate', role: 'admin', collections: ['*'] },
      { name: 'escalate', role: 'reader', collections: ['hr'] },
      { name: 'escalate', role: 'editor', collections: ['public', 'hr'] },
    ]) {
      const res = await call('/api/keys', { method: 'POST', key: home.keys.publicAdmin, json: body });
      assert.equal(res.status, 403, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
      assert.match(res.json().error.message, /within its own grants/);
    }
    // What it may do: a key inside its grants, which then sees public and not hr.
    const ok = await call('/api/keys', { method: 'POST', key: home.keys.publicAdmin, json: { name: 'helper', role: 'reader', collections: ['public'] } });
    assert.equal(ok.status, 201, ok.text);
    const minted = ok.json().key as string;
    const search = await call('/api/search', { method: 'POST', key: minted, json: { query: 'salary chief executive', k: 10 } });
    assert.equal(search.status, 200);
    assert.ok(!search.text.includes('412,000'), 'the minted key reads no hr text');
  });

  test('a non-admin key cannot touch keys at all', async () => {
    for (const key of [home.keys.hrEditor, home.keys.publicReader]) {
      assert.equal((await call('/api/keys', { key })).status, 403);
      assert.equal((await call('/api/keys', { method: 'POST', key, json: { name: 'x', role: 'reader', collections: ['hr'] } })).status, 403);
    }
  });

  test('listing shows only keys within the caller’s grants; a "*" admin sees all', async () => {
    const scoped = (await call('/api/keys', { key: home.keys.publicAdmin })).json() as { keyId: string; collections: string[] }[];
    const ids = scoped.map((k) => k.keyId);
    assert.ok(ids.includes(home.keyIds.publicAdmin) && ids.includes(home.keyIds.publicReader));
    assert.ok(!ids.includes(home.keyIds.admin) && !ids.includes(home.keyIds.hrEditor), `scoped admin listed ${ids.join(', ')}`);
    assert.ok(scoped.every((k) => k.collections.every((c) => c === 'public')));
    const all = ((await call('/api/keys', { key: home.keys.admin })).json() as { keyId: string }[]).map((k) => k.keyId);
    for (const id of Object.values(home.keyIds)) assert.ok(all.includes(id));
  });

  test('revoking a key outside the caller’s grants is a 404, like a missing one, and the key keeps working', async () => {
    for (const id of [home.keyIds.admin, home.keyIds.hrEditor]) {
      const res = await call(`/api/keys/${id}`, { method: 'DELETE', key: home.keys.publicAdmin });
      assert.equal(res.status, 404, res.text);
    }
    const missing = await call('/api/keys/key_000000000000', { method: 'DELETE', key: home.keys.publicAdmin });
    assert.equal(missing.status, 404);
    assert.equal((await call('/api/me', { key: home.keys.admin })).status, 200, 'the "*" admin key was not revoked');
    assert.equal((await call('/api/me', { key: home.keys.hrEditor })).status, 200);
  });
});

describe('rows that held: per-collection access, bad keys, path tricks, upload names', () => {
  test('a reader of public never sees hr text, by search, ask, chat, documents or lookalike names', async () => {
    const key = home.keys.publicReader;
    const attempts = [
      await call('/api/search', { method: 'POST', key, json: { query: 'salary chief executive Alice', k: 20 } }),
      await call('/api/search', { method: 'POST', key, json: { query: 'salary', collections: ['hr'] } }),
      await call('/api/ask', { method: 'POST', key, json: { question: 'What is the salary of the chief executive?', collections: ['hr', 'public'] } }),
      await call('/v1/chat/completions', { method: 'POST', key, json: { model: 'rag:hr', messages: [{ role: 'user', content: 'salary of the chief executive?' }] } }),
      await call('/api/collections/hr/documents', { key }),
      await call('/api/collections/..%2fhr/documents', { key }),
      await call('/api/collections/%EF%BD%88%EF%BD%92/documents', { key }), // fullwidth "ｈｒ"
    ];
    for (const res of attempts) {
      assert.ok(res.status < 500, `server error ${res.status}`);
      assert.ok(!res.text.includes('412,000') && !res.text.includes('salaries.md'), `leak: ${res.status} ${res.text.slice(0, 200)}`);
    }
    assert.equal(attempts[3]!.status, 404);
    assert.equal(attempts[4]!.status, 404);
  });

  test('no key, a malformed key, a revoked-looking key or one in the wrong header → 401', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer tlr_notakey' },
      { authorization: 'Bearer ' },
      { authorization: home.keys.admin }, // no "Bearer"
      { authorization: `Basic ${Buffer.from(`x:${home.keys.admin}`).toString('base64')}` },
      { 'x-api-key': 'tlr_' + 'A'.repeat(43) },
    ];
    for (const headers of variants) {
      const res = await call('/api/search', { method: 'POST', headers, json: { query: 'salary' } });
      assert.equal(res.status, 401, `${JSON.stringify(headers)} → ${res.status}`);
    }
  });

  test('a reader cannot upload; an editor’s upload names cannot leave the collection’s folder', async () => {
    const boundary = 'x-boundary';
    const part = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\nThe canteen opens at eight.\r\n`;
    const body = [part('../../etc/passwd'), part('..\\..\\evil.md'), part('a\u0000b.txt')].join('') + `--${boundary}--\r\n`;
    const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
    assert.equal((await call('/api/collections/public/documents', { method: 'POST', key: home.keys.publicReader, headers, body })).status, 403);
    const res = await call('/api/collections/hr/documents', { method: 'POST', key: home.keys.hrEditor, headers, body });
    assert.equal(res.status, 202, res.text);
    const saved = await readdir(join(home.home, 'uploads', 'hr'));
    assert.ok(saved.every((name) => !name.includes('/') && !name.includes('\\') && !name.startsWith('.')), saved.join(', '));
    assert.ok(!(await readdir(home.home)).includes('etc') && !(await readdir(join(home.home, 'uploads'))).includes('evil.md'));
  });

  test('static files cannot be read outside the web UI folder', async () => {
    for (const path of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/../../package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await call(path);
      assert.ok(!res.text.includes('"devDependencies"'), `${path} served package.json`);
    }
  });
});
