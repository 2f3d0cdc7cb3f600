import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createStopFilter } from '../src/providers/shared/stop-filter.js';
import { createAsyncQueue } from '../src/providers/shared/async-queue.js';
import { createMutex } from '../src/providers/shared/mutex.js';

function runFilter(stops: string[], chunks: string[]) {
  const filter = createStopFilter(stops);
  const emitted = chunks.map((c) => filter.push(c));
  emitted.push(filter.flush());
  return { text: emitted.join(''), emitted, stopped: filter.stopped };
}

describe('stop filter', () => {
  test('cuts exactly before a stop string that spans chunks', () => {
    const r = runFilter(['named'], ['a girl', ' na', 'med Lily']);
    assert.equal(r.text, 'a girl ');
    assert.equal(r.stopped, true);
    assert.deepEqual(r.emitted, ['a girl', ' ', '', '']);
  });

  test('releases held-back text that turned out not to be a stop', () => {
    const r = runFilter(['\n\nQ:'], ['one\n', '\nTwo', ' three\n']);
    assert.equal(r.text, 'one\n\nTwo three\n');
    assert.equal(r.stopped, false);
  });

  test('the earliest of several stops wins; no stops passes text through', () => {
    assert.equal(runFilter(['END', 'x'], ['abxcdEND']).text, 'ab');
    assert.equal(runFilter([], ['a', 'b']).text, 'ab');
  });
});

describe('async queue and mutex', () => {
  test('queue yields pushed values in order and ends on close or rethrows on fail', async () => {
    const q = createAsyncQueue<number>();
    setTimeout(() => {
      q.push(1);
      q.push(2);
      q.close();
    }, 1);
    const got: number[] = [];
    for await (const v of q) got.push(v);
    assert.deepEqual(got, [1, 2]);
    const failing = createAsyncQueue<number>();
    failing.push(1);
    failing.fail(new Error('boom'));
    await assert.rejects(async () => {
      for await (const _ of failing) void _;
    }, /boom/);
  });

  test('mutex runs tasks one at a time even when one fails', async () => {
    const mutex = createMutex();
    const log: string[] = [];
    const task = (name: string, fail = false) =>
      mutex.run(async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      });
    await Promise.allSettled([task('a'), task('b', true), task('c')]);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
