import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobQueue } from '../src/server/jobs.js';
import { createRoutedJobQueue } from '../src/server/routed-jobs.js';
import { silentLogger } from '../src/core/logger.js';
import type { TailorError } from '../src/core/errors.js';
import { gatedRunner, report } from './job-queue-contract.js';

test('routed queue: each job takes a place only in the queue that runs it; a full local queue never refuses uploads', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tailor-routed-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const training = gatedRunner();
  const limits = { maxQueued: 1, maxQueuedPerKey: 1 };
  // Two file queues stand in for the shared one and this replica's own: routing is what is tested.
  const shared = createJobQueue({ logger: silentLogger, dir: join(dir, 'shared'), limits, runners: { upload: async (spec) => report(spec.paths) } });
  const local = createJobQueue({ logger: silentLogger, dir: join(dir, 'local'), limits, runners: { train: training.runner } });
  const routed = createRoutedJobQueue(shared, new Map([['train', local]]));

  const train = await (await routed.reserve('k', 'train')).submit({ kind: 'train', spec: { collection: 'c', paths: [] }, total: 0 });
  assert.equal((await routed.get(train.id))?.kind, 'train');
  await assert.rejects(routed.reserve('k', 'train'), (e: TailorError) => e.code === 'RATE_LIMITED', 'the local queue holds one job');
  const upload = await (await routed.reserve('k', 'upload')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['a'] }, total: 1 });
  await shared.idle();
  assert.equal((await routed.get(upload.id))?.state, 'done', 'the upload ran while training held the local queue');

  // A slot reserved for one queue refuses the other's job and gives its place back.
  const wrong = await routed.reserve('k', 'upload');
  await assert.rejects(async () => wrong.submit({ kind: 'train', spec: { collection: 'c', paths: [] }, total: 0 }), (e: TailorError) => e.code === 'INTERNAL');
  const again = await (await routed.reserve('k')).submit({ kind: 'upload', spec: { collection: 'c', paths: ['b'] }, total: 1 });
  await shared.idle();
  assert.equal((await routed.get(again.id))?.state, 'done', 'the refused slot gave its place back');

  training.release();
  await routed.idle();
  assert.equal((await routed.get(train.id))?.state, 'done');
  await routed.stop(1000);
});
