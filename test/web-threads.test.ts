/** Chat threads in browser storage: kept, ordered, deleted, and trimmed (not lost) when storage is full. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThreadStore, historyOf, type KeyValueStorage } from '../web/src/threads.js';
import type { Answer } from '../src/core/types.js';

/** A Web Storage stand-in that refuses writes past `quota` characters, as browsers do. */
function memoryStorage(quota = Infinity): KeyValueStorage & { size(): number } {
  const items = new Map<string, string>();
  const size = () => [...items].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      const before = items.get(key);
      items.set(key, value);
      if (size() > quota) {
        if (before === undefined) items.delete(key);
        else items.set(key, before);
        throw new Error('QuotaExceededError');
      }
    },
    removeItem: (key) => void items.delete(key),
    size,
  };
}

function answer(text: string, passage: string): Answer {
  return {
    text, citations: [], refused: false,
    trace: { query: text, retrieved: [{ rank: 1, score: 1, scores: { fused: 1 }, chunk: { id: 'c', documentId: 'd', collection: 'x', ordinal: 0, text: passage, start: 0, end: passage.length, headingPath: [], tokenCount: 1, textHash: 'h' }, document: { id: 'd', source: 's', title: 't', format: 'text', collection: 'x', modifiedAt: '' } }], prompt: [{ role: 'user', content: passage }], generator: 'extractive', timingsMs: {}, usage: {}, warnings: [] },
  };
}

test('threads survive a new store over the same storage; the active one, its title and its history come back', () => {
  const storage = memoryStorage();
  const first = createThreadStore(storage);
  const thread = first.active();
  thread.turns.push({ question: 'What is Rc<T>?', answer: answer('Rc<T> is a reference-counted pointer.', 'p') });
  first.save(thread);
  const other = first.create();
  other.turns.push({ question: 'Other question', error: 'failed' });
  first.save(other);
  first.select(thread.id);

  const reloaded = createThreadStore(storage);
  assert.equal(reloaded.list().length, 2);
  assert.equal(reloaded.active().id, thread.id);
  assert.equal(reloaded.active().title, 'What is Rc<T>?');
  assert.deepEqual(historyOf(reloaded.active()), [
    { role: 'user', content: 'What is Rc<T>?' },
    { role: 'assistant', content: 'Rc<T> is a reference-counted pointer.' },
  ]);
  assert.deepEqual(historyOf(reloaded.list().find((t) => t.id === other.id)!), [], 'a failed turn is not history');
  reloaded.remove(thread.id);
  assert.deepEqual(createThreadStore(storage).list().map((t) => t.id), [other.id]);
});

test('when storage is full, older threads lose their traces first, and the newest thread keeps its own', () => {
  const storage = memoryStorage(12_000);
  const store = createThreadStore(storage);
  const big = 'x'.repeat(2500);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const thread = store.create();
    thread.turns.push({ question: `Question ${i}`, answer: answer(`Answer ${i}`, big) });
    store.save(thread);
    ids.push(thread.id);
  }
  const kept = createThreadStore(storage).list();
  assert.deepEqual(kept.map((t) => t.id), [...ids].reverse(), 'no thread was dropped');
  assert.equal(kept[0].turns[0].answer!.trace.retrieved.length, 1, 'the newest keeps its trace');
  assert.ok(kept.slice(1).some((t) => t.turns[0].answer!.trace.retrieved.length === 0 && /trimmed/.test(t.turns[0].answer!.trace.warnings.join())), 'an older one was trimmed');
  assert.ok(storage.size() <= 12_000);
});
