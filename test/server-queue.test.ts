import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJobQueue, type JobRunner } from '../src/server/jobs.js';
import type { IngestReport } from '../src/ingest/report.js';
import { TailorError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/logger.js';
import { tempDir } from './helpers/temp.js';

const report = (paths: string[]) => ({ files: [], counts: { new: paths.length, changed: 0, renamed: 0 } }) as unknown as IngestReport;

/** A runner whose jobs finish only when released, and stop when the queue shuts down. */
function gatedRunner() {
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
async function drain(gated: ReturnType<typeof gatedRunner>, queue: { idle(): Promise<void> }): Promise<void> {
  let idle = false;
  void queue.idle().then(() => (idle = true));
  while (!idle) {
    gated.release();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('upload job queue', () => {
  test('a per-key share and a server bound, counted from reservation; room comes back as jobs finish', async () => {
    const gated = gatedRunner();
    const queue = createJobQueue({ logger: silentLogger, runners: { upload: gated.runner }, limits: { maxQueued: 3, maxQueuedPerKey: 2 } });
    const held = queue.reserve('alice'); // an upload still being received counts too
    queue.reserve('alice').submit({ kind: 'upload', spec: { collection: 'c', paths: ['a'] }, total: 1 });
    assert.throws(() => queue.reserve('alice'), (e: TailorError) => e.code === 'RATE_LIMITED' && Number(e.details.retryAfterSeconds) >= 1);
    queue.reserve('bob').submit({ kind: 'upload', spec: { collection: 'c', paths: ['b'] }, total: 1 });
    assert.throws(() => queue.reserve('carol'), /queue is full/);
    held.release();
    const slot = queue.reserve('carol');
    slot.release();
    await drain(gated, queue);
    queue.reserve('alice').release();
  });

  test('finished jobs stay visible for the retention time, however many follow, then are forgotten', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const queue = createJobQueue({ logger: silentLogger, runners: { upload: async (spec) => report(spec.paths) }, limits: { maxQueued: 1000, maxQueuedPerKey: 1000 }, now: () => now });
    const ids: string[] = [];
    for (let i = 0; i < 600; i++) {
      ids.push(queue.reserve('k').submit({ kind: 'upload', spec: { collection: 'c', paths: [`f${i}`] }, total: 1 }).id);
      if (i % 100 === 0) await queue.idle();
    }
    await queue.idle();
    now += 23 * 3600 * 1000;
    assert.equal(queue.get(ids[0]!)?.state, 'done', 'the first of 600 is still there after 23 h');
    now += 2 * 3600 * 1000;
    assert.equal(queue.get(ids[0]!), undefined);
  });

  test('stop() returns at once with a job running; the job stays queued on disk and a new queue resumes it', async () => {
    const dir = await tempDir();
    const first = gatedRunner();
    const queue = createJobQueue({ logger: silentLogger, dir, runners: { upload: first.runner } });
    const running = queue.reserve('k').submit({ kind: 'upload', spec: { collection: 'c', paths: ['one'] }, total: 1 });
    const waiting = queue.reserve('k').submit({ kind: 'upload', spec: { collection: 'c', paths: ['two'] }, total: 1 });
    await new Promise((r) => setImmediate(r));
    assert.equal(queue.get(running.id)?.state, 'running');
    await queue.stop(5000);
    for (const id of [running.id, waiting.id]) {
      const saved = JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8'));
      assert.equal(saved.view.state, 'queued', `${id} is kept to run again`);
    }
    const second = gatedRunner();
    const again = createJobQueue({ logger: silentLogger, dir, runners: { upload: second.runner } });
    assert.equal(again.resume(), 2);
    await drain(second, again);
    assert.deepEqual(second.ran, [['one'], ['two']], 'resumed in the order they were submitted');
    assert.equal(again.get(running.id)?.state, 'done');
    assert.equal(again.get(waiting.id)?.state, 'done');
  });
});
