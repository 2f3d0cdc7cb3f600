/**
 * The job queue on PostgreSQL: the shared contract, then what only a shared queue promises —
 * two replicas never run one job twice, a replica that dies loses no job (its lease runs out and
 * another replica takes the job over), and an upload's bytes reach the replica that runs it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresJobQueue, type PostgresJobQueueOptions } from '../src/server/jobs-postgres.js';
import type { JobRunner } from '../src/server/jobs.js';
import { silentLogger } from '../src/core/logger.js';
import { TailorError } from '../src/core/errors.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { jobQueueContract, report, until } from './job-queue-contract.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

let server: TestServer;
let pool: pg.Pool;
let schemas = 0;
const homes: string[] = [];

before(async () => {
  if (skip) return;
  server = await startPostgresCluster();
  pool = new pg.Pool({ connectionString: server.url, max: 8 });
});
after(async () => {
  await pool?.end();
  await server?.stop();
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

async function replicaHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'tailor-replica-'));
  homes.push(home);
  return home;
}

function queueOn(schema: string, home: string, options: Partial<PostgresJobQueueOptions> & { runners: Record<string, JobRunner> }) {
  return createPostgresJobQueue({ database: { pool, schema }, home, logger: silentLogger, pollMs: 50, ...options });
}

describe('job queue contract: PostgreSQL (Debian cluster)', () => {
  jobQueueContract({
    skip,
    backing: async () => {
      const schema = `jobs_${++schemas}`;
      const home = await replicaHome();
      return { open: (options) => queueOn(schema, home, options), close: async () => undefined };
    },
  });
});

describe('job queue on PostgreSQL: replicas', () => {
  test('two replicas share one queue: every job runs exactly once, whichever replica took it', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    const runs = new Map<string, string[]>();
    const runnerFor = (name: string): JobRunner => async (spec) => {
      runs.set(spec.paths[0]!, [...(runs.get(spec.paths[0]!) ?? []), name]);
      await new Promise((r) => setTimeout(r, 5));
      return report(spec.paths);
    };
    const limits = { maxQueued: 100, maxQueuedPerKey: 100 };
    const a = queueOn(schema, await replicaHome(), { runners: { upload: runnerFor('a') }, limits });
    const b = queueOn(schema, await replicaHome(), { runners: { upload: runnerFor('b') }, limits });
    await Promise.all([a.resume(), b.resume()]);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const queue = i % 2 === 0 ? a : b;
      ids.push((await (await queue.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: [`/abs/f${i}`] }, total: 1 })).id);
    }
    await a.idle();
    for (const id of ids) assert.equal((await b.get(id))?.state, 'done', `${id} is done, seen from either replica`);
    assert.equal(runs.size, 30);
    for (const [path, by] of runs) assert.equal(by.length, 1, `${path} ran once (ran on ${by.join(', ')})`);
    await a.stop(1000);
    await b.stop(1000);
  });

  test('a watcher on another replica sees the job run, progress and end (read from the shared row)', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const a = queueOn(schema, await replicaHome(), {
      leaseMs: 300, // heartbeats (and so progress in the row) every 100 ms
      runners: {
        upload: async (spec, run) => {
          run.progress(1, 2);
          await gate;
          run.progress(2, 2);
          return report(spec.paths);
        },
      },
    });
    const b = queueOn(schema, await replicaHome(), { runners: {} }); // never resumed: it only watches
    const job = await (await a.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['/abs/w'] }, total: 2 });
    const seen: string[] = [];
    const unwatch = b.watch(job.id, (view) => seen.push(`${view.state}:${view.done}/${view.total}`));
    await until(async () => seen, (s) => s.includes('running:1/2'), 'B to see the progress A wrote');
    release();
    await until(async () => seen, (s) => s.some((x) => x.startsWith('done')), 'B to see the end');
    unwatch();
    assert.equal((await b.get(job.id))?.state, 'done');
    await a.stop(1000);
    await b.stop(1000);
  });

  test('a job cancelled through another replica stops where it runs, at its next heartbeat', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    let cancelledThere = false;
    const a = queueOn(schema, await replicaHome(), {
      leaseMs: 300,
      runners: { 'dataset-build': (_spec, run) => new Promise((_resolve, reject) => run.signal.addEventListener('abort', () => ((cancelledThere = run.cancelled()), reject(new TailorError('ABORTED', 'stopped'))))) },
    });
    const b = queueOn(schema, await replicaHome(), { runners: {} }); // never resumed: it only cancels
    const job = await (await a.reserve('k', 'dataset-build')).submit({ kind: 'dataset-build', spec: { collection: 'c', paths: [] }, total: 0 });
    await until(() => b.get(job.id), (v) => v?.state === 'running', 'A to start the build');
    assert.equal((await b.cancel(job.id))?.state, 'running', 'B asks; A stops it');
    const ended = await until(() => b.get(job.id), (v) => v?.state === 'failed', 'the build to end');
    assert.equal(ended?.error?.code, 'CANCELLED');
    assert.equal(cancelledThere, true);
    await a.stop(1000);
    await b.stop(1000);
  });

  test('queues of different kinds on one table run side by side: a long build never holds up uploads, and neither claims the other\'s jobs', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    const home = await replicaHome();
    let release: () => void = () => {};
    const building = new Promise<void>((r) => (release = r));
    const builds = queueOn(schema, home, { kinds: ['dataset-build'], runners: { 'dataset-build': async () => (await building, { result: { name: 'qa' } }) } });
    const uploads = queueOn(schema, home, { kinds: ['upload'], runners: { upload: async (spec) => report(spec.paths) } });
    const build = await (await builds.reserve('k', 'dataset-build')).submit({ kind: 'dataset-build', spec: { collection: 'c', paths: [] }, total: 0 });
    await until(() => builds.get(build.id), (v) => v?.state === 'running', 'the build to start');
    const upload = await (await uploads.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['/abs/u'] }, total: 1 });
    await until(() => uploads.get(upload.id), (v) => v?.state === 'done', 'the upload to finish while the build runs');
    assert.equal((await uploads.get(build.id))?.state, 'running', 'still building');
    release();
    const built = await until(() => uploads.get(build.id), (v) => v?.state === 'done', 'the build to finish');
    assert.deepEqual(built?.result, { name: 'qa' }, 'its result is read from the shared row by any queue');
    const { rows } = await pool.query(`SELECT kind, attempts FROM "${schema}".jobs ORDER BY seq`);
    assert.deepEqual(rows.map((r) => [r.kind, r.attempts]), [['dataset-build', 1], ['upload', 1]]);
    await builds.stop(1000);
    await uploads.stop(1000);
  });

  test('a replica that stops answering loses its job: the lease runs out, another replica reruns it, the first is told to stop', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    let aborted = false;
    // Replica A starts the job and then hangs (as a replica that froze or lost its network).
    const a = queueOn(schema, await replicaHome(), {
      leaseMs: 600,
      runners: { upload: (_spec, run) => new Promise((_resolve, reject) => run.signal.addEventListener('abort', () => ((aborted = true), reject(new TailorError('ABORTED', 'lost'))))) },
    });
    const job = await (await a.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['/abs/x'] }, total: 1 });
    await until(() => a.get(job.id), (v) => v?.state === 'running', 'A to start the job');
    // Its heartbeats stop reaching the database: simulated by taking its lease away and letting it expire.
    await pool.query(`UPDATE "${schema}".jobs SET lease_owner = 'a-that-died', lease_until = clock_timestamp() - interval '1 second' WHERE id = $1`, [job.id]);
    const b = queueOn(schema, await replicaHome(), { leaseMs: 600, runners: { upload: async (spec) => report(spec.paths) } });
    assert.equal(await b.resume(), 1, 'B counts the job whose lease ran out');
    const done = await until(() => b.get(job.id), (v) => v?.state === 'done', 'B to finish the job');
    assert.equal(done!.state, 'done');
    await until(async () => aborted, (v) => v, 'A to be told its lease is gone');
    const { rows } = await pool.query(`SELECT attempts, lease_owner FROM "${schema}".jobs WHERE id = $1`, [job.id]);
    assert.equal(rows[0].attempts, 2, 'claimed twice: by A, then by B');
    assert.equal(rows[0].lease_owner, null);
    await a.stop(1000);
    await b.stop(1000);
  });

  test('a job whose replica died on every try is failed after maxAttempts, not retried forever', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    const a = queueOn(schema, await replicaHome(), { runners: { upload: async (spec) => report(spec.paths) }, maxAttempts: 2 });
    await a.stop(10); // only submits
    const b = queueOn(schema, await replicaHome(), { runners: { upload: async (spec) => report(spec.paths) }, maxAttempts: 2 });
    const job = await (await b.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['/abs/poison'] }, total: 1 });
    await b.stop(10);
    await pool.query(`UPDATE "${schema}".jobs SET state = 'running', attempts = 2, lease_owner = 'gone', lease_until = clock_timestamp() - interval '1 second' WHERE id = $1`, [job.id]);
    const c = queueOn(schema, await replicaHome(), { runners: { upload: async (spec) => report(spec.paths) }, maxAttempts: 2 });
    await c.resume();
    const failed = await until(() => c.get(job.id), (v) => v?.state === 'failed', 'the job to be failed');
    assert.match(failed!.error!.message, /started 2 times/);
    await c.stop(1000);
  });

  test("an upload's bytes travel with the job: a replica with another home rebuilds the file under its own home", { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    const homeA = await replicaHome();
    const homeB = await replicaHome();
    const read: Array<{ path: string; text: string }> = [];
    const a = queueOn(schema, homeA, { runners: {} });
    const path = join(homeA, 'uploads', 'docs', 'note.txt');
    const job = await (await a.reserve('k')).submit({ kind: 'upload', spec: { collection: 'docs', paths: [path] }, total: 1, files: [{ path, bytes: new TextEncoder().encode('the harbour opens at dawn') }] });
    await a.stop(10); // A never runs it
    const b = queueOn(schema, homeB, {
      runners: {
        upload: async (spec) => {
          for (const p of spec.paths) read.push({ path: p, text: await readFile(p, 'utf8') });
          return report(spec.paths);
        },
      },
    });
    await b.resume();
    await until(() => b.get(job.id), (v) => v?.state === 'done', 'B to run the upload');
    assert.deepEqual(read, [{ path: join(homeB, 'uploads', 'docs', 'note.txt'), text: 'the harbour opens at dawn' }]);
    const left = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".job_files`);
    assert.equal(left.rows[0].n, 0, 'the stored bytes are dropped once the job is finished');
    await b.stop(1000);
  });

  test('a stored path that leaves the home is refused, not written', { skip }, async () => {
    const schema = `jobs_${++schemas}`;
    const home = await replicaHome();
    const q = queueOn(schema, home, { runners: { upload: async (spec) => report(spec.paths) } });
    const job = await (await q.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: [] }, total: 0 });
    await q.stop(10);
    await pool.query(`UPDATE "${schema}".jobs SET state = 'queued', finished_at = NULL, finished_ms = NULL, result = NULL WHERE id = $1`, [job.id]);
    await pool.query(`INSERT INTO "${schema}".job_files (job_id, ord, path, bytes) VALUES ($1, 0, 'home:../escape.txt', '\\x00')`, [job.id]);
    const again = queueOn(schema, home, { runners: { upload: async (spec) => report(spec.paths) } });
    await again.resume();
    const failed = await until(() => again.get(job.id), (v) => v?.state === 'failed', 'the job to fail');
    assert.match(failed!.error!.message, /leaves the home/);
    await again.stop(1000);
  });
});

test('with the database unreachable, the queue and the key table answer STORE_UNAVAILABLE (503), and recover when it is back', { skip }, async () => {
  const { createPostgresKeyStore } = await import('../src/server/keys-postgres.js');
  const { freePort } = await import('./helpers/postgres.js');
  const down = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, max: 1 });
  const home = await replicaHome();
  const queue = createPostgresJobQueue({ database: { pool: down, schema: 'nowhere' }, home, logger: silentLogger, runners: {} });
  await assert.rejects(queue.reserve('k'), (e: TailorError) => e.code === 'STORE_UNAVAILABLE' && e.httpStatus === 503);
  const keys = createPostgresKeyStore({ database: { pool: down, schema: 'nowhere' } });
  await assert.rejects(async () => keys.verify('tlr_x'), (e: TailorError) => e.code === 'STORE_UNAVAILABLE');
  await down.end();
  // The same objects over a reachable database: the failed table creation is retried, not remembered.
  let reachable = true;
  const flaky = new pg.Pool({ connectionString: server.url, max: 2 });
  const realConnect = flaky.connect.bind(flaky);
  type Connect = (callback?: (error: Error | undefined, client?: pg.PoolClient, done?: () => void) => void) => unknown;
  // pg's own query() connects with a callback, the store's transactions with a promise: refuse both while "down".
  (flaky as unknown as { connect: Connect }).connect = (callback) => {
    if (reachable) return (realConnect as Connect)(callback);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (callback) return void setImmediate(() => callback(refused));
    return Promise.reject(refused);
  };
  reachable = false;
  const later = createPostgresKeyStore({ database: { pool: flaky, schema: 'later' } });
  await assert.rejects(async () => later.isEmpty(), (e: TailorError) => e.code === 'STORE_UNAVAILABLE');
  reachable = true;
  assert.equal(await later.isEmpty(), true);
  await flaky.end();
});
