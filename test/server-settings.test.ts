/** GET /api/settings: the home as each key may see it, and nothing secret for anyone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server-fixture.js';
import { publicSpec } from '../src/server/routes/settings.js';

test('settings show models, thresholds and the store; admins see limits, readers only their collections; no keys or paths', async () => {
  const f = await startServer({
    collections: {
      hr: [{ source: '/srv/private/hr/leave.md', title: 'Leave', text: '# Leave\n\nParental leave lasts 16 weeks.\n' }],
      finance: [
        { source: '/srv/private/finance/a.md', title: 'A', text: '# Budget\n\nThe travel budget is 4,000 euros.\n' },
        { source: '/srv/private/finance/b.md', title: 'B', text: '# Audit\n\nThe audit happens every March.\n' },
      ],
    },
  });
  const { key: adminKey } = f.keys.create({ name: 'root', role: 'admin', collections: ['*'] });
  const { key: readerKey } = f.keys.create({ name: 'hr-reader', role: 'reader', collections: ['hr'] });

  const adminResponse = await f.call('/api/settings', { key: adminKey });
  assert.equal(adminResponse.status, 200);
  const admin = await adminResponse.json();
  assert.equal(admin.role, 'admin');
  assert.equal(admin.models.chat, 'extractive');
  assert.deepEqual(admin.models.list, ['rag:finance', 'rag:hr', 'extractive']);
  assert.equal(admin.answering.minSupport, 0.35);
  assert.equal(admin.store.kind, 'sqlite');
  assert.ok(admin.store.sizeBytes > 0, 'the SQLite store has a size');
  assert.deepEqual([admin.store.documents, admin.collections.length], [3, 2]);
  assert.equal(admin.keys, 2);
  assert.ok(admin.limits.maxUploadBytes > 0);

  const reader = await (await f.call('/api/settings', { key: readerKey })).json();
  assert.equal(reader.role, 'reader');
  assert.deepEqual(reader.collections.map((c: { name: string }) => c.name), ['hr']);
  assert.deepEqual([reader.store.documents, reader.store.sizeBytes], [1, null], 'a reader sees its collections\' counts, not the whole store');
  assert.deepEqual(reader.models.list, ['rag:hr', 'extractive']);
  assert.equal(reader.limits, undefined);
  assert.equal(reader.keys, undefined);

  for (const body of [JSON.stringify(admin), JSON.stringify(reader)]) {
    assert.ok(!body.includes('tlr_'), 'no key secret or prefix');
    assert.ok(!body.includes(f.home), 'no home path');
    assert.ok(!body.includes('/srv/private'), 'no document path');
  }
  assert.equal((await f.call('/api/settings')).status, 401);
});

test('model specs are shown without paths or URL credentials', () => {
  assert.equal(publicSpec('gguf:/opt/models/secret/llama-3.gguf'), 'gguf:llama-3.gguf');
  assert.equal(publicSpec('openai-compatible:qwen2@http://user:pw@10.0.0.5:11434/v1'), 'openai-compatible:qwen2@10.0.0.5:11434');
  assert.equal(publicSpec('openai:gpt-4o-mini'), 'openai:gpt-4o-mini');
  assert.equal(publicSpec('model2vec:/home/me/.cache/m2v'), 'model2vec:m2v');
  assert.equal(publicSpec('words'), 'words');
});
