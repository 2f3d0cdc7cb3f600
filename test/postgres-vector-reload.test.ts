/**
 * Without pgvector each replica holds a copy of the vectors, reloaded when another replica's write
 * moves the generation. Queries that arrive together after such a write share one reload (under
 * load, each loading every vector again made a write stall a replica), and answer from the new state.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPostgresStore } from '../src/index/postgres/index.js';
import { testDoc } from './fixtures/index-docs.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

let server: TestServer;
before(async () => {
  if (!skip) server = await startPostgresCluster();
});
after(() => server?.stop());

test('twenty queries after another replica wrote reload the vectors once and all see the write', { skip }, async () => {
  const url = `${server.url}?schema=reload`;
  const writer = await createPostgresStore({ connectionString: url, pgvector: 'off' });
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  let vectorLoads = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /FROM "reload"\."vectors"/.test(args[0])) vectorLoads++;
    return query(...args);
  };
  const reader = await createPostgresStore({ pool, schema: 'reload', pgvector: 'off' });
  try {
    await writer.doWrite({ embedderId: 'v:2', upserts: [testDoc({ id: 'v1', paragraphs: ['one'], vectors: [new Float32Array([1, 0])] })] });
    assert.equal((await reader.doQuery({ vector: new Float32Array([1, 0]), k: 5 })).vector.length, 1);
    assert.equal(vectorLoads, 1);
    await writer.doWrite({ embedderId: 'v:2', upserts: [testDoc({ id: 'v2', paragraphs: ['two'], vectors: [new Float32Array([0, 1])] })] });
    const answers = await Promise.all(Array.from({ length: 20 }, () => reader.doQuery({ vector: new Float32Array([1, 0]), k: 5 })));
    for (const answer of answers) assert.equal(answer.vector.length, 2, 'every query sees the other replica\'s write');
    assert.equal(vectorLoads, 2, 'one reload shared by the twenty queries');
  } finally {
    await reader.close();
    await pool.end();
    await writer.close();
  }
});
