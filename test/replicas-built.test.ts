/**
 * Two real `tailor serve` processes (the built CLI) on one throwaway PostgreSQL behave as one
 * service: a replica killed with SIGKILL mid-upload loses no job (the other takes it over when
 * its lease runs out), a document uploaded through one is searchable through the other as soon
 * as its job is done, and keys created or revoked through one hold on the other at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runBuiltCli, startBuiltServer, type BuiltServer } from './helpers/built-server.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

const SCHEMA = 'replicas';
const LEASE_S = 1;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(server: BuiltServer, path: string, init: { key?: string; method?: string; json?: unknown; body?: FormData } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  let body: RequestInit['body'] = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(server.url + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const alive = (s: BuiltServer) => s.child.exitCode === null && s.child.signalCode === null;

function upload(files: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, text] of Object.entries(files)) form.append('files', new Blob([text], { type: 'text/plain' }), name);
  return form;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('replicas: two built `tailor serve` on one PostgreSQL', { skip }, () => {
  let db: TestServer;
  let url: string;
  let dir: string;
  let admin: string;
  let pool: pg.Pool;
  const servers: BuiltServer[] = [];
  const replica = async (name: string) => {
    const server = await startBuiltServer(join(dir, name), ['--store', url, '--job-lease-s', String(LEASE_S), '--rate', '0']);
    servers.push(server);
    return server;
  };

  before(async () => {
    db = await startPostgresCluster();
    url = `${db.url}?schema=${SCHEMA}`;
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    dir = await mkdtemp(join(tmpdir(), 'tailor-replicas-'));
    // The first admin key, made with the built CLI straight into the shared table.
    const created = await runBuiltCli(join(dir, 'a'), ['--store', url, 'keys', 'create', '--name', 'root', '--role', 'admin', '--collections', '*', '--json']);
    assert.equal(created.code, 0, created.stderr);
    admin = JSON.parse(created.stdout).key;
    const listed = await runBuiltCli(join(dir, 'b'), ['--store', url, 'keys', 'list', '--json']);
    assert.equal(JSON.parse(listed.stdout).length, 1, 'another home on the same database sees the key');
  });
  after(async () => {
    for (const server of servers) await server.stop('SIGKILL').catch(() => undefined);
    await pool?.end();
    await db?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('replica A is killed with SIGKILL mid-upload; replica B takes the job over and completes it, nothing lost or doubled', async () => {
    const a = await replica('a');
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`report-${i}.txt`] = `Report ${i}. The quarterly figure for site ${i} is ${1000 + i} tonnes of ore. ${'Shipping, storage and handling notes follow. '.repeat(40)}`;
    const submitted = await call(a, '/api/collections/ore/documents', { key: admin, body: upload(files) });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const jobId = submitted.body.jobId as string;
    await until(() => call(a, `/api/jobs/${jobId}`, { key: admin }), (r) => r.body.state === 'running' && r.body.done > 0, 'A to be part-way through the job', 60_000);
    await a.stop('SIGKILL');
    const cut = await pool.query(`SELECT state, done, attempts FROM ${SCHEMA}.jobs WHERE id = $1`, [jobId]);
    assert.equal(cut.rows[0].state, 'running', 'A died holding the job');
    assert.ok(cut.rows[0].done < 400, `A died mid-job (at ${cut.rows[0].done}/400)`);

    const b = await replica('b');
    const done = await until(() => call(b, `/api/jobs/${jobId}`, { key: admin }), (r) => r.body?.state === 'done' || r.body?.state === 'failed', 'B to finish the job', 90_000);
    assert.equal(done.body.state, 'done', JSON.stringify(done.body.error));
    const row = await pool.query(`SELECT attempts FROM ${SCHEMA}.jobs WHERE id = $1`, [jobId]);
    assert.equal(row.rows[0].attempts, 2, 'claimed by A, then taken over by B');
    const docs = await call(b, '/api/collections/ore/documents', { key: admin });
    const indexed = docs.body.filter((d: { status: string }) => d.status === 'indexed');
    const distinct = new Set(indexed.map((d: { source: string }) => d.source.split('/').pop()));
    assert.equal(distinct.size, 400, 'every file is stored');
    assert.equal(indexed.length, 400, 'and none twice (the rerun found what A had stored)');
    const hit = await call(b, '/api/search', { key: admin, json: { query: 'site 399 tonnes', k: 3, collections: ['ore'] } });
    assert.match(JSON.stringify(hit.body.results), /site 399/);
  });

  test('a document uploaded through A is searchable through B as soon as its job is done', async () => {
    const a = await replica('a2');
    const b = servers.find((s) => alive(s) && s !== a)!;
    const submitted = await call(a, '/api/collections/harbour/documents', { key: admin, body: upload({ 'tides.txt': 'The zephyrquartz buoy marks the harbour entrance at low tide.' }) });
    assert.equal(submitted.status, 202);
    // The job's state is the shared row: B reports it too.
    await until(() => call(b, `/api/jobs/${submitted.body.jobId}`, { key: admin }), (r) => r.body?.state === 'done', 'the upload job to finish', 30_000);
    const found = await call(b, '/api/search', { key: admin, json: { query: 'zephyrquartz buoy', k: 3 } });
    assert.equal(found.status, 200);
    assert.match(JSON.stringify(found.body.results), /zephyrquartz/, 'B finds it at its first search after the job is done');
  });

  test('a dataset built through A is listed through B; a document erased through B leaves A\'s view of the dataset without its examples', async () => {
    const [a, b] = servers.filter(alive);
    const docs = await call(b!, '/api/collections/harbour/documents', { key: admin });
    const tides = (docs.body as Array<{ id: string; source: string }>).find((d) => d.source.endsWith('tides.txt'))!;
    const other = await call(a!, '/api/collections/harbour/documents', { key: admin, body: upload({ 'moorings.txt': 'Visitors moor at the north pontoon; the harbour master assigns berths by radio.' }) });
    await until(() => call(b!, `/api/jobs/${other.body.jobId}`, { key: admin }), (r) => r.body?.state === 'done', 'the second harbour upload', 30_000);
    const build = await call(a!, '/api/datasets/build', { key: admin, json: { collection: 'harbour', kind: 'qa', name: 'harbour-qa' } });
    assert.equal(build.status, 202, JSON.stringify(build.body));
    // The build is a job in the shared table: B reports it, and either replica may run it.
    const built = await until(() => call(b!, `/api/jobs/${build.body.jobId}`, { key: admin }), (r) => r.body?.state === 'done' || r.body?.state === 'failed', 'the dataset build', 60_000);
    assert.equal(built.body.state, 'done', JSON.stringify(built.body.error));
    const listed = await call(b!, '/api/datasets', { key: admin });
    const dataset = (listed.body.datasets as Array<{ name: string; count: number; documents: number }>).find((d) => d.name === 'harbour-qa');
    assert.ok(dataset && dataset.count > 0 && dataset.documents === 2, JSON.stringify(listed.body));
    const erased = await call(b!, `/api/documents/${encodeURIComponent(tides.id)}`, { key: admin, method: 'DELETE' });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    assert.deepEqual(erased.body.erasure.datasets.map((d: { name: string }) => d.name), ['harbour-qa']);
    const afterErase = await call(a!, '/api/datasets', { key: admin });
    const remaining = (afterErase.body.datasets as Array<{ name: string; count: number; documents: number }>).find((d) => d.name === 'harbour-qa')!;
    assert.equal(remaining.documents, 1, 'A sees the erasure B made');
    assert.ok(remaining.count < dataset.count);
  });

  test('a dataset build whose replica is killed mid-build is taken over and finished by the other', async () => {
    const a = await replica('a3');
    const b = servers.find((s) => alive(s) && s !== a)!;
    const build = await call(a, '/api/datasets/build', { key: admin, json: { collection: 'ore', kind: 'qa', name: 'ore-qa', perChunk: 20 } });
    assert.equal(build.status, 202, JSON.stringify(build.body));
    const jobId = build.body.jobId as string;
    const claimed = await until(() => pool.query(`SELECT state, done, lease_owner FROM ${SCHEMA}.jobs WHERE id = $1`, [jobId]), (r) => r.rows[0]?.state === 'running' || r.rows[0]?.state === 'done', 'a replica to claim the build', 30_000);
    assert.equal(claimed.rows[0].state, 'running', 'the build was still running when the replica was killed');
    // Kill whichever replica holds it (either may have claimed it; the lease names its pid).
    const holder = String(claimed.rows[0].lease_owner);
    const runner = [a, b].find((s) => holder.startsWith(`${s.child.pid}-`))!;
    assert.ok(runner, `the lease owner ${holder} is one of the replicas`);
    const other = runner === a ? b : a;
    await runner.stop('SIGKILL');
    const done = await until(() => call(other, `/api/jobs/${jobId}`, { key: admin }), (r) => r.body?.state === 'done' || r.body?.state === 'failed', 'the build to finish on the surviving replica', 90_000);
    assert.equal(done.body.state, 'done', JSON.stringify(done.body.error));
    const row = await pool.query(`SELECT attempts FROM ${SCHEMA}.jobs WHERE id = $1`, [jobId]);
    assert.equal(row.rows[0].attempts, 2, 'claimed by the killed replica, then taken over');
    const listed = await call(other, '/api/datasets', { key: admin });
    const dataset = (listed.body.datasets as Array<{ name: string; documents: number }>).find((d) => d.name === 'ore-qa');
    assert.equal(dataset?.documents, 400, JSON.stringify(listed.body));
  });

  test('a key created through A works through B at once; revoked through A, B refuses it at once', async () => {
    const [a, b] = servers.filter(alive);
    const created = await call(a!, '/api/keys', { key: admin, json: { name: 'harbour-reader', role: 'reader', collections: ['harbour'] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const me = await call(b!, '/api/me', { key: created.body.key });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.collections, ['harbour']);
    const scoped = await call(b!, '/api/search', { key: created.body.key, json: { query: 'site 399 tonnes', k: 3 } });
    assert.equal(scoped.status, 200);
    assert.doesNotMatch(JSON.stringify(scoped.body.results), /tonnes/, "the key's grants hold on B: no other collection");
    const revoked = await call(a!, `/api/keys/${created.body.id}`, { key: admin, method: 'DELETE' });
    assert.equal(revoked.status, 200);
    const refused = await call(b!, '/api/me', { key: created.body.key });
    assert.equal(refused.status, 401, 'refused by B on the very next request');
  });
});
