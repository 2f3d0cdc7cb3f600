import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTraceLog } from '../src/home/traces.js';
import type { Answer } from '../src/core/types.js';
import type { Logger } from '../src/core/logger.js';

function answerOf(text: string, documentId: string): Answer {
  return { text, citations: [{ chunkId: `${documentId}#0`, documentId }], refused: false } as unknown as Answer;
}

test('a trace file is read back when the log opens: the last `capacity` answers, newest first, damaged lines skipped', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-traces-'));
  const file = path.join(dir, 'traces.jsonl');
  const warnings: string[] = [];
  const logger: Logger = { log: (level, message) => void (level === 'warn' && warnings.push(message)) };

  const first = createTraceLog({ file, capacity: 10, logger });
  const added = ['one', 'two', 'three'].map((q) => first.add({ question: q, collections: ['hr'], answer: answerOf(`answer to ${q}`, `doc-${q}`) }));
  fs.appendFileSync(file, '{"not json\n');

  const reopened = createTraceLog({ file, capacity: 2, logger });
  const all = () => true;
  assert.deepEqual(reopened.list(all, 10).map((t) => t.question), ['three', 'two']);
  assert.equal(reopened.get(added[2]!.id, all)?.answer.text, 'answer to three');
  assert.equal(reopened.get(added[0]!.id, all), undefined, 'older than the capacity');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /1 line\(s\) of .*traces\.jsonl are not traces/);

  // Erasure still reaches the file, and a log opened after it does not bring the trace back.
  const removed = await reopened.erase({ reason: 'test', documents: [{ documentId: 'doc-three', source: 'x', collection: 'hr', whole: true }], chunks: [] });
  assert.deepEqual(removed, { memory: 1, file: 1 });
  const afterErase = createTraceLog({ file, capacity: 10, logger });
  assert.deepEqual(afterErase.list(all, 10).map((t) => t.question), ['two', 'one']);
});

test('without a trace file the log starts empty even when an earlier run left one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-traces-'));
  const file = path.join(dir, 'traces.jsonl');
  createTraceLog({ file, logger: { log() {} } }).add({ question: 'kept on disk', collections: undefined, answer: answerOf('a', 'd') });
  const log = createTraceLog({ eraseFile: file, logger: { log() {} } });
  assert.deepEqual(log.list(() => true, 10), []);
});
