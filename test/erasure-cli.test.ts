/**
 * Issue 12 rows 2, 3, 4 and 8 replayed against the built CLI and server: every way a document
 * leaves (CLI forget and sync, HTTP document and collection delete and sync) reaches datasets,
 * exports, adapters, traces and the store's bytes; scoped admins cannot delete ungranted
 * collections; links are never followed; traces are seen only by their key and covering admins.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/temp.js';
import { serveBuilt, tailorBuilt } from './helpers/built-tailor.js';
import { assertErasedFromHome, filesContaining, SECRET, writeCorpus } from './helpers/erasure-fixture.js';

/** A home set up through the CLI: hr (secret + kept), a text dataset and an axolotl export trained on it. */
async function cliHome() {
  const dir = await tempDir('tailor-erasure-cli-');
  const corpus = await writeCorpus(dir);
  const env = { TAILOR_HOME: join(dir, 'home'), TAILOR_CACHE: join(dir, 'cache') };
  const run = (...args: string[]) => {
    const result = tailorBuilt(args, env);
    assert.equal(result.code, 0, `tailor ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  run('ingest', corpus.docs, '--collection', 'hr');
  run('dataset', 'build', '-c', 'hr', '--kind', 'text', '--name', 'hr-text');
  run('train', '--base', 'org/base-model', '--dataset', 'hr-text', '--backend', 'axolotl', '--name', 'hr-cluster');
  const docs = JSON.parse(run('documents', '--json')) as Array<{ id: string; source: string }>;
  const secretId = docs.find((d) => d.source === corpus.secretFile)!.id;
  const keptId = docs.find((d) => d.source === corpus.keptFile)!.id;
  return { dir, env, home: env.TAILOR_HOME, corpus, run, secretId, keptId };
}

type Call = (path: string, init?: { key?: string; method?: string; json?: unknown }) => Promise<{ status: number; text: string; json: () => any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

function caller(url: string): Call {
  return async (path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url + path, { method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'), headers, body: init.json !== undefined ? JSON.stringify(init.json) : undefined });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
}

/** Asks about the secret through a server run with --trace-file, so a trace holds it in memory and on disk. */
async function askAboutSecret(call: Call, key?: string) {
  const asked = await call('/api/ask', { key, json: { question: 'What does the zebrafish quartermaster earn?', collections: ['hr'] } });
  assert.equal(asked.status, 200, asked.text);
  assert.ok(asked.text.includes('quartermaster'), 'the answer used the secret');
  return asked.json().traceId as string;
}

describe('row 3 through the CLI: forget and sync print a receipt and erase everywhere', () => {
  test('tailor forget', async () => {
    const h = await cliHome();
    const server = await serveBuilt(['--trace-file'], h.env);
    await askAboutSecret(caller(server.url));
    await server.stop();
    assert.ok(filesContaining(join(h.home), SECRET.slice(0, 40)).some((f) => f.endsWith('traces.jsonl')));
    const out = h.run('forget', h.corpus.secretFile);
    assert.match(out, /erasure receipt \(forget/);
    assert.match(out, /datasets: hr-text \(-1, 1 left\)/);
    assert.match(out, /exports: adapters\/hr-cluster\/data\/train\.jsonl \(-1\)/);
    assert.match(out, /adapters flagged: hr-cluster/);
    assert.match(out, /retrain hr-cluster: tailor train --base org\/base-model --dataset hr-text/);
    assert.match(out, /traces: 0 removed from memory, 1 from traces\.jsonl/);
    assertErasedFromHome(h.home);
  });

  test('tailor sync after the file was deleted', async () => {
    const h = await cliHome();
    await rm(h.corpus.secretFile);
    const out = h.run('sync', '-c', 'hr');
    assert.match(out, /removed\s+.*payroll\.md \(file deleted\)/);
    assert.match(out, /erasure receipt \(sync/);
    assert.match(out, /adapters flagged: hr-cluster/);
    assertErasedFromHome(h.home);
  });

  test('tailor ingest of a changed file erases the old version', async () => {
    const h = await cliHome();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(h.corpus.secretFile, '# Payroll\n\nSalaries are published as bands only.\n');
    const out = h.run('ingest', h.corpus.docs, '--collection', 'hr');
    assert.match(out, /erasure receipt \(re-ingest/);
    assert.match(out, /old version of 1 changed document/);
    assertErasedFromHome(h.home);
  });

  test('row 4: tailor sync does not follow a file replaced by a link to /etc/passwd', async () => {
    const h = await cliHome();
    await rm(h.corpus.secretFile);
    await symlink('/etc/passwd', h.corpus.secretFile);
    const out = h.run('sync', '-c', 'hr');
    assert.match(out, /removed\s+.*payroll\.md/);
    const search = JSON.parse(h.run('search', 'root', 'bin', 'bash', 'nologin', '--json'));
    assert.ok(search.results.every((r: { chunk: { text: string } }) => !r.chunk.text.includes('root:')), 'the linked file was not indexed');
    assert.deepEqual(filesContaining(h.home, 'root:x:0'), []);
    assertErasedFromHome(h.home);
  });
});

describe('rows 2, 3, 4 and 8 through the built server', () => {
  test('scoped admin, trace scope, API delete with receipt', async () => {
    const h = await cliHome();
    const pub = join(h.dir, 'public');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(pub);
    await writeFile(join(pub, 'menu.md'), '# Canteen\n\nThe canteen serves lentil soup on Tuesdays.\n');
    h.run('ingest', pub, '--collection', 'public');
    const key = (...args: string[]) => h.run('keys', 'create', ...args).trim();
    const root = key('--role', 'admin', '--collections', '*', '--name', 'root');
    const publicAdmin = key('--role', 'admin', '--collections', 'public', '--name', 'public-admin');
    const asker = key('--role', 'reader', '--collections', 'public', '--name', 'asker');
    const otherReader = key('--role', 'reader', '--collections', 'public', '--name', 'other');
    const server = await serveBuilt(['--trace-file'], h.env);
    try {
      const call = caller(server.url);
      // Row 2: admin is a role, not a grant.
      const denied = await call('/api/collections/hr', { key: publicAdmin, method: 'DELETE' });
      assert.equal(denied.status, 403, denied.text);
      assert.equal((await call('/api/collections/hr/sync', { key: publicAdmin, json: {} })).status, 403);
      assert.equal((await call('/api/collections/hr/documents', { key: root })).json().length, 2, 'hr is intact');

      // Row 8: a question about an ungranted collection stays with its key.
      const probe = await call('/api/ask', { key: asker, json: { question: 'What does the zebrafish quartermaster earn?', collections: ['hr'] } });
      assert.equal(probe.status, 200, probe.text);
      assert.ok(!probe.text.includes('91234'), 'nothing of hr is answered');
      const probeId = probe.json().traceId as string;
      for (const [who, k] of [['another reader of public', otherReader], ['an admin of public only', publicAdmin]] as const) {
        const listed = await call('/api/traces?limit=1000', { key: k });
        assert.ok(!listed.text.includes('zebrafish'), `${who} does not see the question`);
        assert.equal((await call(`/api/traces/${probeId}`, { key: k })).status, 404, who);
      }
      assert.equal((await call(`/api/traces/${probeId}`, { key: asker })).status, 200, 'the asking key sees its trace');
      const seen = (await call(`/api/traces/${probeId}`, { key: root })).json();
      assert.equal(seen.keyId !== undefined && seen.collections.length === 0 && seen.requested[0] === 'hr', true, 'stored with the key and the collections it searched and named');

      // Row 3 over HTTP: a document delete reaches everything and returns the receipt.
      const traceId = await askAboutSecret(call, root);
      const deleted = await call(`/api/documents/${h.secretId}`, { key: root, method: 'DELETE' });
      assert.equal(deleted.status, 200, deleted.text);
      const receipt = deleted.json().erasure;
      assert.deepEqual(receipt.datasets.map((d: { name: string }) => d.name), ['hr-text']);
      assert.deepEqual(receipt.exports.map((e: { file: string }) => e.file), ['adapters/hr-cluster/data/train.jsonl']);
      assert.deepEqual(receipt.adapters.map((a: { name: string }) => a.name), ['hr-cluster']);
      assert.ok(receipt.traces.memory >= 1 && receipt.traces.file >= 1);
      assert.equal((await call(`/api/traces/${traceId}`, { key: root })).status, 404);
      // The probe's question stays (it quotes nothing of the document); no trace holds the document's text.
      const left = await call('/api/traces?limit=1000', { key: root });
      assert.ok(left.json().some((t: { id: string }) => t.id === probeId));
      assert.ok(!left.text.includes('91234'));
    } finally {
      await server.stop();
    }
    assertErasedFromHome(h.home);
  });

  test('HTTP collection delete erases every document of it with a receipt', async () => {
    const h = await cliHome();
    const server = await serveBuilt(['--trace-file'], h.env);
    try {
      const call = caller(server.url);
      await askAboutSecret(call);
      const deleted = await call('/api/collections/hr', { method: 'DELETE' });
      assert.equal(deleted.status, 200, deleted.text);
      const body = deleted.json();
      assert.equal(body.removedDocuments, 2);
      assert.deepEqual(body.erasure.adapters.map((a: { name: string }) => a.name), ['hr-cluster']);
      assert.equal(body.erasure.datasets[0].remaining, 0);
    } finally {
      await server.stop();
    }
    assertErasedFromHome(h.home, { keptRemains: false });
    const manifest = JSON.parse(readFileSync(join(h.home, 'datasets', 'hr-text', 'manifest.json'), 'utf8'));
    assert.equal(manifest.count, 0);
  });

  test('row 4 and HTTP sync: the file route refuses a link, sync erases deleted and linked files', async () => {
    const h = await cliHome();
    const server = await serveBuilt(['--trace-file'], h.env);
    try {
      const call = caller(server.url);
      const original = await call(`/api/documents/${h.keptId}/file`);
      assert.equal(original.status, 200);
      assert.match(original.text, /Harbour cranes/);
      await rm(h.corpus.keptFile);
      await symlink('/etc/passwd', h.corpus.keptFile);
      const linked = await call(`/api/documents/${h.keptId}/file`);
      assert.equal(linked.status, 404);
      assert.ok(!linked.text.includes('root:'), 'never serves the link target');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(h.corpus.secretFile, '# Payroll\n\nEdited on disk after ingest.\n');
      assert.equal((await call(`/api/documents/${h.secretId}/file`)).status, 404, 'a file that no longer matches its hash is not served');
      await askAboutSecret(call);
      await rm(h.corpus.secretFile);
      const synced = await call('/api/collections/hr/sync', { json: {} });
      assert.equal(synced.status, 200, synced.text);
      const report = synced.json();
      assert.deepEqual(report.removed.map((r: { source: string }) => r.source).sort(), [h.corpus.keptFile, h.corpus.secretFile].sort());
      assert.deepEqual(report.erasure.adapters.map((a: { name: string }) => a.name), ['hr-cluster']);
      assert.ok(report.erasure.traces.file >= 1);
      const search = (await call('/api/search', { json: { query: 'root bin bash nologin daemon' } })).json();
      assert.ok(search.results.every((r: { chunk: { text: string } }) => !r.chunk.text.includes('root:')));
    } finally {
      await server.stop();
    }
    assertErasedFromHome(h.home, { keptRemains: false });
  });
});
