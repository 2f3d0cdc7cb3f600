import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { createCollectionCatalog } from '../src/server/collections.js';
import { walkPaths } from '../src/ingest/walk.js';
import { tempDir } from './helpers/temp.js';

test('failed and duplicate upload outcomes survive a restart, and are never ingested themselves', async () => {
  const home = join(await tempDir(), 'home');
  const store = await createSqliteStore({ home });
  const first = createCollectionCatalog(home, store);
  first.create('reports');
  const source = join(home, 'uploads', 'reports', 'broken.pdf');
  first.recordOutcomes('reports', [{ status: 'failed', source, error: { code: 'PARSE_FAILED', message: 'truncated' } }]);

  const second = createCollectionCatalog(home, store);
  assert.deepEqual(second.problems('reports').map((f) => f.source), [source]);
  second.recordOutcomes('reports', [{ status: 'new', source, documentId: 'd1', chunks: 3, duplicateChunks: 0 }]);
  assert.deepEqual(createCollectionCatalog(home, store).problems('reports'), []);

  const walked = await walkPaths([join(home, 'uploads', 'reports')]);
  assert.deepEqual(walked.files, []);
  await store.close();
});
