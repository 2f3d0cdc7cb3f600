import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../src/core/logger.js';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createWriteBatcher } from '../src/ingest/batcher.js';
import { prepareDocument } from '../src/ingest/prepare.js';
import { tempDir } from './helpers/temp.js';

function prepared(source: string, text: string) {
  return prepareDocument({
    collection: 'c', source, contentHash: source, sizeBytes: text.length, modifiedAt: new Date(0).toISOString(),
    loaded: { text, format: 'text' },
  });
}

test('a write batch is flushed once the text in flight passes its cap, whatever its chunk and document counts', async () => {
  const store = await createSqliteStore({ home: await tempDir() });
  const batcher = createWriteBatcher({ store, collection: 'c', logger: silentLogger, maxTextChars: 10_000, maxChunks: 1_000_000, maxDocuments: 1_000 });
  await batcher.add({ prepared: prepared('/a.txt', 'Alpha paragraph about tides. '.repeat(200)), status: 'new' });
  assert.equal(batcher.full(), false, '5,800 characters are under the cap');
  await batcher.add({ prepared: prepared('/b.txt', 'Beta paragraph about winds. '.repeat(200)), status: 'new' });
  assert.equal(batcher.full(), true, '11,400 characters are over it');
  const outcomes = await batcher.flush();
  assert.deepEqual(outcomes.map((o) => [o.source, o.status]), [['/a.txt', 'new'], ['/b.txt', 'new']]);
  assert.equal(batcher.full(), false, 'the count starts again after a flush');
  assert.equal((await store.doStats()).documents, 2);
  await store.close();
});
