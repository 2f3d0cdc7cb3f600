import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTailorError } from '../src/core/errors.js';
import { createIsolatedLoader } from '../src/ingest/isolated-loader.js';
import { loadDocument } from '../src/ingest/loaders/index.js';
import { stallingMarkdown } from './fixtures/bad-inputs.js';

const encode = (text: string) => new TextEncoder().encode(text);

async function refusal(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    assert.ok(isTailorError(error), String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

describe('the isolated loader (a worker thread per ingest, under tsx here)', () => {
  const loader = createIsolatedLoader();
  after(() => loader.close());

  test('a file loads in the worker exactly as in-process; its bytes move instead of being copied', async () => {
    const text = '---\ntitle: Leave policy\n---\n# Leave\n\nStaff get 28 days of leave a year.\n';
    const bytes = encode(text);
    const isolated = await loader.load({ path: '/docs/leave.md', bytes }, { transfer: true });
    assert.equal(bytes.byteLength, 0, 'the buffer was handed to the worker');
    assert.deepEqual(isolated, await loadDocument({ path: '/docs/leave.md', bytes: encode(text) }));
    const { prepared } = await loader.prepare({ path: '/docs/leave.md', bytes: encode(text) }, {}, {
      collection: 'c', source: '/docs/leave.md', contentHash: 'h', sizeBytes: text.length, modifiedAt: new Date(0).toISOString(),
    });
    assert.equal(prepared.document.title, 'Leave policy');
    assert.ok(prepared.chunks.length >= 1 && prepared.chunks.every((c) => prepared.document.text.slice(c.start, c.end) === c.text));
  });

  test('a parse stuck in one synchronous call is stopped at maxMillis; the next file gets a new worker', async () => {
    const started = performance.now();
    const error = await refusal(() => loader.load({ path: '/docs/stall.md', bytes: encode(stallingMarkdown()) }, { limits: { maxMillis: 1000 } }));
    const seconds = (performance.now() - started) / 1000;
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.equal(error.details.limit, 'maxMillis');
    assert.match(error.message, /\/docs\/stall\.md took \d+\.\d s to load \(stopped while parsing[^)]*\), over the 1 s limit per file \(maxMillis\)\. .*--max-seconds 4/);
    assert.ok(seconds < 30, `interrupted, not finished (the parse takes minutes): ${seconds.toFixed(1)} s`);
    assert.equal((await loader.load({ path: '/docs/next.md', bytes: encode('# Next\n\nfine') })).title, 'Next');
  });

  test('a parse that outgrows maxMemoryMb dies in its worker with LIMIT_EXCEEDED naming --max-memory-mb', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `{"id":${i},"sku":"SKU-${i}","tags":["a","b"]}`);
    const bytes = encode(`[${items.join(',')}]`);
    const error = await refusal(() => loader.prepare({ path: '/docs/records.json', bytes }, { limits: { maxMemoryMb: 16 } }, {
      collection: 'c', source: '/docs/records.json', contentHash: 'h', sizeBytes: bytes.length, modifiedAt: new Date(0).toISOString(),
    }));
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.equal(error.details.limit, 'maxMemoryMb');
    assert.match(error.message, /records\.json needed more than 16 MB of memory to load.*--max-memory-mb 32/);
    assert.equal((await loader.load({ path: '/docs/after.md', bytes: encode('# After\n\nfine') })).title, 'After');
  });

  test('an abort stops a parse in progress with ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const error = await refusal(() => loader.load({ path: '/docs/stall.md', bytes: encode(stallingMarkdown()) }, { abortSignal: controller.signal }));
    assert.equal(error.code, 'ABORTED');
    assert.ok(performance.now() - started < 30_000);
  });
});
