/** What only the Postgres store promises: replicas answering as one, HNSW through pgvector, its errors. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { isTailorError } from '../src/core/errors.js';
import { createPostgresStore, parsePostgresSpec, redactPostgresUrl } from '../src/index/postgres/index.js';
import type { DocumentUpsert } from '../src/index/store.js';
import { randomText, seededRandom, testDoc } from './fixtures/index-docs.js';
import { freePort, postgresSkipReason, startPglite, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { assertSameRanking } from './store-contract.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

test('the store URL keeps Tailor\'s schema parameter to itself and hides the password in messages', () => {
  assert.deepEqual(parsePostgresSpec('postgres://u:pw@db:5432/tailor?schema=team_a&sslmode=require'), {
    connectionString: 'postgres://u:pw@db:5432/tailor?sslmode=require',
    schema: 'team_a',
  });
  assert.equal(redactPostgresUrl('postgres://u:secret@db/x'), 'postgres://u:…@db/x');
});

test('an unreachable server is STORE_UNAVAILABLE with a message saying what to check, and a bad schema name is refused', async () => {
  const port = await freePort();
  await assert.rejects(createPostgresStore({ connectionString: `postgres://nobody:pw@127.0.0.1:${port}/x` }), (e) => {
    assert.ok(isTailorError(e));
    assert.equal(e.code, 'STORE_UNAVAILABLE');
    assert.match(e.message, /server is running/);
    assert.doesNotMatch(e.message, /pw/);
    return true;
  });
  await assert.rejects(createPostgresStore({ connectionString: `postgres://127.0.0.1:${port}/x`, schema: 'Robert"; DROP' }), (e) => isTailorError(e) && e.code === 'INVALID_ARGUMENT');
});

describe('two processes on one database answer as one service', { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startPostgresCluster();
  });
  after(() => server?.stop());

  test('a write through one replica is searchable through the other at once, with the same BM25 scores', async () => {
    const a = await createPostgresStore({ connectionString: `${server.url}?schema=replicas` });
    const b = await createPostgresStore({ connectionString: `${server.url}?schema=replicas` });
    try {
      await a.doWrite({ upserts: [testDoc({ id: 'd1', paragraphs: ['the replica wrote about pelicans'] })] });
      const fromB = await b.doQuery({ text: 'pelicans', k: 3 });
      const fromA = await a.doQuery({ text: 'pelicans', k: 3 });
      assert.equal(fromB.keyword.length, 1);
      assert.deepEqual(fromB, fromA);
      await b.doWrite({ deletes: ['d1'] });
      assert.deepEqual((await a.doQuery({ text: 'pelicans', k: 3 })).keyword, []);
      // Vectors too (no pgvector here: each process holds a copy, checked against the generation).
      await a.doWrite({ embedderId: 'v:2', upserts: [testDoc({ id: 'v1', paragraphs: ['one'], vectors: [new Float32Array([1, 0])] })] });
      assert.equal((await b.doQuery({ vector: new Float32Array([1, 0]), k: 5 })).vector.length, 1);
      await a.doWrite({ embedderId: 'v:2', upserts: [testDoc({ id: 'v2', paragraphs: ['two'], vectors: [new Float32Array([0, 1])] })] });
      assert.equal((await b.doQuery({ vector: new Float32Array([1, 0]), k: 5 })).vector.length, 2);
      await a.doWrite({ deletes: ['v1'] });
      assert.equal((await b.doQuery({ vector: new Float32Array([1, 0]), k: 5 })).vector.length, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a delete leaves no trace of the erased words in the vocabulary, postings or statistics', async () => {
    const store = await createPostgresStore({ connectionString: `${server.url}?schema=erasure` });
    const raw = new pg.Pool({ connectionString: server.url, max: 1 });
    try {
      await store.doWrite({ upserts: [testDoc({ id: 'secret', paragraphs: ['zanzibarquux merger codename'] }), testDoc({ id: 'kept', paragraphs: ['merger announced publicly'] })] });
      const count = async (sql: string) => Number((await raw.query(sql)).rows[0].n);
      assert.equal(await count(`SELECT count(*) AS n FROM erasure.terms WHERE term = 'zanzibarquux'`), 1);
      await store.doWrite({ deletes: ['secret'] });
      assert.equal(await count(`SELECT count(*) AS n FROM erasure.terms WHERE term IN ('zanzibarquux', 'codenam')`), 0);
      assert.equal(await count(`SELECT count(*) AS n FROM erasure.postings`), await count(`SELECT count(*) AS n FROM erasure.postings p JOIN erasure.chunks c USING (chunk_key)`));
      assert.equal(await count(`SELECT df AS n FROM erasure.terms WHERE term = 'merger'`), 1);
      assert.equal(await count(`SELECT chunks AS n FROM erasure.bm25_stats`), 1);
    } finally {
      await raw.end();
      await store.close();
    }
  });

  test('concurrent writes from two replicas all commit, and the statistics stay exact', async () => {
    const a = await createPostgresStore({ connectionString: `${server.url}?schema=concurrent` });
    const b = await createPostgresStore({ connectionString: `${server.url}?schema=concurrent` });
    try {
      const random = seededRandom(5);
      const docs: DocumentUpsert[] = Array.from({ length: 24 }, (_, d) => testDoc({ id: `d${d}`, paragraphs: [randomText(random, 30), randomText(random, 20)] }));
      await Promise.all(docs.map((doc, i) => (i % 2 === 0 ? a : b).doWrite({ upserts: [doc] })));
      const stats = await a.doStats();
      assert.deepEqual([stats.documents, stats.chunks, stats.generation], [24, 48, 24]);
      const reference = await createPostgresStore({ connectionString: `${server.url}?schema=sequential` });
      try {
        for (const doc of docs) await reference.doWrite({ upserts: [doc] });
        for (const text of ['alpha quartz', 'zulu topaz bravo']) {
          assertSameRanking((await b.doQuery({ text, k: 10 })).keyword, (await reference.doQuery({ text, k: 10 })).keyword, text);
        }
      } finally {
        await reference.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('pgvector (PGlite over the wire protocol)', () => {
  let server: TestServer;
  let pool: pg.Pool;
  before(async () => {
    server = await startPglite();
    pool = new pg.Pool({ connectionString: server.url, max: 1 });
  });
  after(async () => {
    await pool?.end();
    await server?.stop();
  });

  test('vectors stored before pgvector was available are copied into its column when it arrives', async () => {
    const random = seededRandom(12);
    const vectors = Array.from({ length: 6 }, () => Float32Array.from({ length: 4 }, () => random() * 2 - 1));
    const before = await createPostgresStore({ pool, schema: 'late_pgvector', pgvector: 'off' });
    assert.equal(before.pgvector, false);
    await before.doWrite({ embedderId: 'rand:4', upserts: [testDoc({ id: 'd', paragraphs: ['a', 'b', 'c', 'd', 'e', 'f'], vectors })] });
    const exact = (await before.doQuery({ vector: vectors[0]!, k: 6 })).vector;
    await before.close();
    const after = await createPostgresStore({ pool, schema: 'late_pgvector', exactBelow: 0 });
    assert.equal(after.pgvector, true);
    assertSameRanking((await after.doQuery({ vector: vectors[0]!, k: 6 })).vector, exact, 'after backfill');
    await after.close();
  });

  test('the HNSW index answers like brute force, and a filter never leaves a reader with fewer than k', async () => {
    // exactBelow: 0 sends every query through the HNSW index.
    const store = await createPostgresStore({ pool, schema: 'hnsw', exactBelow: 0, efSearch: 64 });
    assert.equal(store.pgvector, true);
    const random = seededRandom(9);
    const rows: Array<{ id: string; collection: string; vector: Float32Array }> = [];
    const upserts: DocumentUpsert[] = [];
    for (let d = 0; d < 300; d++) {
      const collection = d % 10 === 0 ? 'rare' : 'common';
      const vector = Float32Array.from({ length: 8 }, () => random() * 2 - 1);
      const upsert = testDoc({ id: `v${d}`, collection, paragraphs: [`doc ${d}`], vectors: [vector] });
      rows.push({ id: upsert.chunks[0]!.id, collection, vector });
      upserts.push(upsert);
    }
    await store.doWrite({ embedderId: 'rand:8', upserts });
    const plan = await pool.query(`EXPLAIN SELECT 1 FROM hnsw.vectors ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]' LIMIT 5`);
    assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /vectors_hnsw/);
    let agree = 0;
    let total = 0;
    for (let q = 0; q < 10; q++) {
      const query = Float32Array.from({ length: 8 }, () => random() * 2 - 1);
      for (const collections of [undefined, ['rare']]) {
        const expected = rows
          .filter((r) => !collections || collections.includes(r.collection))
          .map((r) => {
            let dot = 0, na = 0, nb = 0;
            for (let i = 0; i < 8; i++) (dot += r.vector[i]! * query[i]!), (na += r.vector[i]! ** 2), (nb += query[i]! ** 2);
            return { chunkId: r.id, score: dot / Math.sqrt(na * nb) };
          })
          .sort((x, y) => y.score - x.score)
          .slice(0, 10);
        const { vector } = await store.doQuery({ vector: query, k: 10, filter: collections ? { collections } : undefined });
        assert.equal(vector.length, 10, 'a filtered HNSW search still returns k rows');
        const rare = new Set(rows.filter((r) => r.collection === 'rare').map((r) => r.id));
        if (collections) assert.ok(vector.every((hit) => rare.has(hit.chunkId)), 'no row from another collection');
        const ids = new Set(expected.map((e) => e.chunkId));
        agree += vector.filter((hit) => ids.has(hit.chunkId)).length;
        total += 10;
      }
    }
    // Approximate by design: on this small graph recall@10 is (near) perfect.
    assert.ok(agree / total >= 0.95, `recall@10 ${agree / total}`);
    await store.close();
  });
});
