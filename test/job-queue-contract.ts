/**
 * One contract for every JobQueue: the file queue of an embedded home and the PostgreSQL queue
 * replicas share. Each test gets a fresh backing (a folder, a schema); `open` may be called twice
 * on one backing to stand for a restart (or a second replica).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobQueue, JobQueueLimits, JobRunner, JobView } from '../src/server/jobs.js';
import type { IngestReport } from '../src/ingest/report.js';
import { TailorError } from '../src/core/errors.js';

export interface QueueBacking {
  open(options: { runners: Record<string, JobRunner>; limits?: Partial<JobQueueLimits>; now?: () => number }): JobQueue;
  close(): Promise<void>;
}

export const report = (paths: string[]) => ({ files: [], counts: { new: paths.length, changed: 0, renamed: 0 } }) as unknown as IngestReport;

/** A runner whose jobs finish only when released, and stop when the queue shuts down. */
export function gatedRunner() {
  const gates: (() => void)[] = [];
  const ran: string[][] = [];
  const runner: JobRunner = (spec, run) =>
    new Promise((resolve, reject) => {
      ran.push(spec.paths);
      gates.push(() => resolve(report(spec.paths)));
      run.signal.addEventListener('abort', () => reject(new TailorError('ABORTED', 'stopped')));
    });
  return { runner, ran, release: () => gates.shift()?.() };
}

/** Releases each job as it starts until the queue is idle. */
export async function drain(gated: ReturnType<typeof gatedRunner>, queue: { idle(): Promise<void> }): Promise<void> {
  let idle = false;
  void queue.idle().then(() => (idle = true));
  while (!idle) {
    gated.release();
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const submitOne = async (queue: JobQueue, owner: string, path: string) => (await queue.reserve(owner)).submit({ kind: 'upload', spec: { collection: 'c', paths: [path] }, total: 1 });

export function jobQueueContract(options: { skip?: string; backing: () => Promise<QueueBacking> }): void {
  const { skip } = options;
  const withBacking = (fn: (b: QueueBacking) => Promise<void>) => async () => {
    const backing = await options.backing();
    try {
      await fn(backing);
    } finally {
      await backing.close();
    }
  };

  test('a per-key share and a server bound, counted from reservation; room comes back as jobs finish', { skip }, withBacking(async (b) => {
    const gated = gatedRunner();
    const queue = b.open({ runners: { upload: gated.runner }, limits: { maxQueued: 3, maxQueuedPerKey: 2 } });
    const held = await queue.reserve('alice'); // an upload still being received counts too
    await submitOne(queue, 'alice', 'a');
    await assert.rejects(queue.reserve('alice'), (e: TailorError) => e.code === 'RATE_LIMITED' && Number(e.details.retryAfterSeconds) >= 1);
    await submitOne(queue, 'bob', 'b');
    await assert.rejects(queue.reserve('carol'), /queue is full/);
    held.release();
    const slot = await queue.reserve('carol');
    slot.release();
    await drain(gated, queue);
    (await queue.reserve('alice')).release();
    await queue.stop(1000);
  }));

  test('a slot submits once; a job runs with its spec, reports progress to watchers and ends done', { skip }, withBacking(async (b) => {
    const seen: string[] = [];
    const queue = b.open({
      runners: {
        upload: async (spec, run) => {
          run.progress(1, 2);
          await new Promise((r) => setTimeout(r, 30));
          run.progress(2, 2);
          return report(spec.paths);
        },
      },
    });
    const slot = await queue.reserve('k');
    const job = await slot.submit({ kind: 'upload', spec: { collection: 'docs', paths: ['x', 'y'] }, total: 2 });
    await assert.rejects(slot.submit({ kind: 'upload', spec: { collection: 'docs', paths: ['z'] }, total: 1 }), /used twice/);
    assert.equal(job.collection, 'docs');
    assert.ok(['queued', 'running'].includes(job.state));
    const stop = queue.watch(job.id, (view) => seen.push(`${view.state}:${view.done}/${view.total}`));
    const done = await until(() => queue.get(job.id), (v) => v?.state === 'done', 'the job to finish');
    stop();
    assert.equal(done!.done, 2);
    assert.equal(done!.total, 2);
    assert.ok(done!.finishedAt, 'a finished job says when');
    assert.ok(seen.some((s) => s.startsWith('running')), `watchers see it run (${seen.join(', ')})`);
    assert.equal(await queue.get('job_0000000000000000'), undefined, 'an unknown id is undefined');
    await queue.stop(1000);
  }));

  test('cancel ends a queued job at once and a running one through its signal, both failed CANCELLED; a job of another kind returns its result', { skip }, withBacking(async (b) => {
    let sawCancel = false;
    const queue = b.open({
      runners: {
        build: (_spec, run) =>
          new Promise((resolve, reject) => {
            run.progress(1, 10);
            run.signal.addEventListener('abort', () => {
              sawCancel = run.cancelled();
              reject(new TailorError('ABORTED', 'stopped'));
            });
          }),
        quick: async (spec) => ({ result: { name: spec.collection, examples: 3 } }),
      },
    });
    const submit = async (kind: string, collection = 'c') => (await queue.reserve('k', kind)).submit({ kind, spec: { collection, paths: [] }, total: 10 });
    const running = await submit('build');
    const waiting = await submit('build');
    await until(() => queue.get(running.id), (v) => v?.state === 'running', 'the first build to start');
    const cancelledWaiting = await queue.cancel(waiting.id);
    assert.equal(cancelledWaiting?.state, 'failed');
    assert.equal(cancelledWaiting?.error?.code, 'CANCELLED');
    assert.ok(await queue.cancel(running.id), 'a running job can be cancelled');
    const ended = await until(() => queue.get(running.id), (v) => v?.state === 'failed', 'the running build to end');
    assert.equal(ended?.error?.code, 'CANCELLED');
    assert.equal(sawCancel, true, 'the runner can tell a cancel from a shutdown');
    assert.equal(await queue.cancel(running.id), undefined, 'a finished job cannot be cancelled');
    assert.equal(await queue.cancel('job_0000000000000000'), undefined);
    const quick = await submit('quick', 'faq');
    const done = await until(() => queue.get(quick.id), (v) => v?.state === 'done', 'the quick job');
    assert.deepEqual(done?.result, { name: 'faq', examples: 3 });
    await queue.stop(1000);
  }));

  test('a failing runner fails its job with the error code, and the queue goes on', { skip }, withBacking(async (b) => {
    const queue = b.open({
      runners: {
        upload: async (spec) => {
          if (spec.paths[0] === 'bad') throw new TailorError('PARSE_FAILED', 'cannot read bad');
          return report(spec.paths);
        },
      },
    });
    const bad = await submitOne(queue, 'k', 'bad');
    const good = await submitOne(queue, 'k', 'good');
    await queue.idle();
    const failed = (await queue.get(bad.id)) as JobView;
    assert.equal(failed.state, 'failed');
    assert.deepEqual(failed.error, { code: 'PARSE_FAILED', message: 'cannot read bad' });
    assert.equal((await queue.get(good.id))?.state, 'done');
    const noRunner = await (await queue.reserve('k')).submit({ kind: 'mystery', spec: { collection: 'c', paths: [] }, total: 0 });
    await queue.idle();
    assert.equal((await queue.get(noRunner.id))?.error?.code, 'INVALID_ARGUMENT');
    await queue.stop(1000);
  }));

  test('finished jobs stay visible for the retention time, however many follow, then are forgotten', { skip }, withBacking(async (b) => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const queue = b.open({ runners: { upload: async (spec) => report(spec.paths) }, limits: { maxQueued: 1000, maxQueuedPerKey: 1000 }, now: () => now });
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push((await submitOne(queue, 'k', `f${i}`)).id);
      if (i % 40 === 0) await queue.idle();
    }
    await queue.idle();
    now += 23 * 3600 * 1000;
    assert.equal((await queue.get(ids[0]!))?.state, 'done', 'the first of 120 is still there after 23 h');
    now += 2 * 3600 * 1000;
    assert.equal(await queue.get(ids[0]!), undefined);
    await queue.stop(1000);
  }));

  test('stop() returns at once with a job running; the job stays queued and a new queue resumes it in order', { skip }, withBacking(async (b) => {
    const first = gatedRunner();
    const queue = b.open({ runners: { upload: first.runner } });
    const running = await submitOne(queue, 'k', 'one');
    const waiting = await submitOne(queue, 'k', 'two');
    await until(() => queue.get(running.id), (v) => v?.state === 'running', 'the first job to start');
    await queue.stop(5000);
    await assert.rejects(queue.reserve('k'), (e: TailorError) => e.code === 'RATE_LIMITED', 'a stopping queue takes nothing new');
    const second = gatedRunner();
    const again = b.open({ runners: { upload: second.runner } });
    for (const id of [running.id, waiting.id]) assert.equal((await again.get(id))?.state, 'queued', `${id} is kept to run again`);
    assert.equal(await again.resume(), 2);
    await drain(second, again);
    assert.deepEqual(second.ran, [['one'], ['two']], 'resumed in the order they were submitted');
    assert.equal((await again.get(running.id))?.state, 'done');
    assert.equal((await again.get(waiting.id))?.state, 'done');
    await again.stop(1000);
  }));

  test('exclusive runs one thing at a time, in order, and a failure does not block the next', { skip }, withBacking(async (b) => {
    const queue = b.open({ runners: {} });
    const order: string[] = [];
    const slow = queue.exclusive(async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('slow');
    });
    const failing = queue.exclusive(async () => {
      order.push('failing');
      throw new Error('boom');
    });
    const fast = queue.exclusive(async () => order.push('fast'));
    await slow;
    await assert.rejects(failing, /boom/);
    await fast;
    assert.deepEqual(order, ['slow', 'failing', 'fast']);
    await queue.stop(1000);
  }));
}
