import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter } from '../src/server/limits.js';
import { startServer } from './server-fixture.js';

describe('token bucket', () => {
  test('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const limiter = createRateLimiter(2, 3, () => now);
    assert.deepEqual([1, 2, 3].map(() => limiter.take('k')), [0, 0, 0]);
    assert.equal(limiter.take('k'), 1, 'empty bucket: wait about a second');
    assert.equal(limiter.take('other'), 0, 'keys have separate buckets');
    now += 500; // 2 tokens/s → one token back
    assert.equal(limiter.take('k'), 0);
    assert.ok(limiter.take('k') > 0);
  });
});

describe('limits over HTTP', () => {
  test('a key that spends its bucket gets 429 with Retry-After', async () => {
    const f = await startServer({ server: { limits: { ratePerSecond: 0.5, rateBurst: 3 } } });
    const key = f.keys.create({ name: 'busy', role: 'reader', collections: ['*'] }).key;
    const other = f.keys.create({ name: 'calm', role: 'reader', collections: ['*'] }).key;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await f.call('/api/collections', { key })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await f.call('/v1/models', { key });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    const body = await limited.json();
    assert.equal(body.error.code, 'RATE_LIMITED');
    assert.equal(body.error.type, 'rate_limit_error');
    assert.equal((await f.call('/api/collections', { key: other })).status, 200);
    assert.equal((await f.call('/health')).status, 200, '/health is not rate limited');
  });

  test('oversized JSON bodies, uploads and single files are refused with 413 and say which limit', async () => {
    const f = await startServer({ server: { limits: { maxJsonBytes: 2000, maxUploadBytes: 50_000, maxFileBytes: 10_000 } } });
    const key = f.keys.create({ name: 'ed', role: 'editor', collections: ['docs'] }).key;

    const big = await f.call('/api/search', { key, json: { query: 'x'.repeat(3000) } });
    assert.equal(big.status, 413);
    const bigBody = await big.json();
    assert.equal(bigBody.error.code, 'PAYLOAD_TOO_LARGE');
    assert.match(bigBody.error.message, /request body/);

    const upload = (sizes: number[]) => {
      const form = new FormData();
      sizes.forEach((n, i) => form.append('files', new Blob(['# T\n\n' + 'word '.repeat(n / 5)]), `f${i}.md`));
      return f.call('/api/collections/docs/documents', { key, method: 'POST', body: form });
    };
    const tooMany = await upload([9000, 9000, 9000, 9000, 9000, 9000]);
    assert.equal(tooMany.status, 413);
    assert.match((await tooMany.json()).error.message, /upload .*larger than .*limit/);

    const oneTooBig = await upload([1000, 20_000]);
    assert.equal(oneTooBig.status, 413);
    const oneBody = await oneTooBig.json();
    assert.match(oneBody.error.message, /"f1\.md" is .* over the per-file limit/);
    assert.equal(oneBody.error.details.file, 'f1.md');

    const fine = await upload([1000, 2000]);
    assert.equal(fine.status, 202);
  });
});
