import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { finetuneStoresFor } from '../src/finetune/stores.js';
import { openHome } from '../src/home/open-home.js';
import { adapterWithFile, example, finetuneStoresContract } from './finetune-stores-contract.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { tempDir } from './helpers/temp.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

describe('datasets and adapters contract: tables of a PostgreSQL store (Debian cluster)', () => {
  let server: TestServer;
  let schemas = 0;
  before(async () => {
    if (!skip) server = await startPostgresCluster();
  });
  after(() => server?.stop());

  finetuneStoresContract({
    skip,
    backing: async () => {
      const schema = `ft_${++schemas}`;
      const pools: pg.Pool[] = [];
      return {
        // Each open is a replica: its own pool and its own home directory.
        open: async () => {
          const pool = new pg.Pool({ connectionString: server.url, max: 2 });
          pools.push(pool);
          return finetuneStoresFor(await tempDir('tailor-ft-replica-'), { sharedDatabase: { pool, schema } });
        },
        close: async () => {
          for (const pool of pools) await pool.end();
        },
      };
    },
  });

  test('two replicas flagging one adapter at the same moment both keep their erasure entry', { skip }, async () => {
    const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: server.url, max: 2 }));
    try {
      const [a, b, c] = await Promise.all(pools.map(async (pool) => finetuneStoresFor(await tempDir('tailor-ft-race-'), { sharedDatabase: { pool, schema: 'ft_race' } })));
      await a!.adapters.put(await adapterWithFile(a!, 'shared-lora', ['d1', 'd2'], Buffer.from('w')));
      // Both read the unflagged manifest, then each writes its own erasure.
      const [seenByA] = await a!.adapters.list();
      const [seenByB] = await b!.adapters.list();
      await a!.adapters.put({ ...seenByA!, containsErasedData: true, erasures: [{ at: '2026-01-01T00:00:00.000Z', documentIds: ['d1'], exampleIds: ['d1-ex'] }] });
      await b!.adapters.put({ ...seenByB!, containsErasedData: true, erasures: [{ at: '2026-01-01T00:00:01.000Z', documentIds: ['d2'], exampleIds: ['d2-ex'] }] });
      const final = await c!.adapters.get('shared-lora');
      assert.equal(final.containsErasedData, true);
      assert.deepEqual(final.erasures?.map((e) => e.documentIds), [['d1'], ['d2']]);
    } finally {
      for (const pool of pools) await pool.end();
    }
  });

  test('two homes on one PostgreSQL store: a document forgotten through one flags the adapter recorded through the other', { skip }, async () => {
    const url = `${server.url}?schema=ft_homes`;
    const a = await openHome({ home: await tempDir('tailor-ft-home-a-'), store: url, embedder: 'none' });
    const b = await openHome({ home: await tempDir('tailor-ft-home-b-'), store: url, embedder: 'none' });
    try {
      const text = 'Parental leave lasts sixteen weeks at full pay.';
      await a.store.doWrite({
        upserts: [{
          document: { id: 'leave', collection: 'hr', source: '/hr/leave.md', title: 'Leave', format: 'markdown', modifiedAt: '2026-01-01T00:00:00Z', ingestedAt: '2026-01-01T00:00:00Z', contentHash: 'h', sizeBytes: text.length, text },
          chunks: [{ id: 'leave#0', documentId: 'leave', collection: 'hr', ordinal: 0, text, start: 0, end: text.length, headingPath: [], tokenCount: 10, textHash: 'th' }],
        }],
      });
      await a.datasets.save('hr-qa', [example('q1', 'leave'), example('q2', 'other')], { operation: 'build', details: {} });
      await a.adapters.put(await adapterWithFile(a, 'hr-lora', ['leave'], Buffer.from('weights')));
      const receipt = await b.deleteDocument('leave');
      assert.deepEqual(receipt.erasure.datasets.map((d) => [d.name, d.removedExamples, d.remaining]), [['hr-qa', 1, 1]]);
      assert.deepEqual(receipt.erasure.adapters.map((x) => x.name), ['hr-lora']);
      assert.equal((await a.adapters.get('hr-lora')).containsErasedData, true);
      assert.deepEqual((await a.datasets.load('hr-qa')).examples.map((e) => e.id), ['q2']);
      // B serves the adapter from its own folder.
      assert.equal(await readFile((await b.adapters.get('hr-lora')).path, 'utf8'), 'weights');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
