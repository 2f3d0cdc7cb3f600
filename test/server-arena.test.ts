import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startServer, type Fixture } from './server-fixture.js';
import { arenaRun, saveArenaRun } from './helpers/arena-run.js';

/**
 * Arena runs over HTTP, against the real server: three runs over different collections and keys with
 * different grants. A run is visible only when all its collections are granted; otherwise it reads
 * exactly like a missing run.
 */
let f: Fixture;
let root: string;
let alphaReader: string;
let alphaAdmin: string;
const arms = [
  { name: 'rag', kind: 'rag' as const, f1: 0.61, interval: [0.55, 0.67] as [number, number] },
  { name: 'base', kind: 'base' as const, f1: 0.05, interval: [0.02, 0.08] as [number, number] },
];

before(async () => {
  f = await startServer({ manualClose: true });
  root = f.keys.create({ name: 'root', role: 'admin', collections: ['*'] }).key;
  alphaReader = f.keys.create({ name: 'alice', role: 'reader', collections: ['alpha'] }).key;
  alphaAdmin = f.keys.create({ name: 'alpha-admin', role: 'admin', collections: ['alpha'] }).key;
  const a = await saveArenaRun(f.home, arenaRun('20261201-090000-a1a1', arms, { collections: ['alpha'], createdAt: '2026-12-01T09:00:00.000Z' }));
  await writeFile(join(a, 'report.html'), '<!doctype html><title>Arena 20261201-090000-a1a1</title><h1>Arena report</h1><script>document.title += " (scripted)"</script>');
  await saveArenaRun(f.home, arenaRun('20261201-100000-b2b2', arms, { collections: ['alpha', 'bravo'], createdAt: '2026-12-01T10:00:00.000Z' }));
  const b = await saveArenaRun(f.home, arenaRun('20261201-110000-c3c3', arms, { collections: ['bravo'], createdAt: '2026-12-01T11:00:00.000Z' }));
  await writeFile(join(b, 'report.html'), '<h1>bravo secret report</h1>');
});
after(() => f.close());

describe('arena runs over HTTP', () => {
  test('a "*" key lists every run, newest first, with its summary', async () => {
    const response = await f.call('/api/arena/runs', { key: root });
    assert.equal(response.status, 200);
    const { runs } = await response.json();
    assert.deepEqual(runs.map((r: { id: string }) => r.id), ['20261201-110000-c3c3', '20261201-100000-b2b2', '20261201-090000-a1a1']);
    const alpha = runs.find((r: { id: string }) => r.id === '20261201-090000-a1a1');
    assert.deepEqual(alpha, { id: '20261201-090000-a1a1', createdAt: '2026-12-01T09:00:00.000Z', status: 'complete', protocol: 'knowledge-injection', arms: ['rag', 'base'], questions: 120, collections: ['alpha'] });
  });

  test('a key sees only runs whose collections are all granted; others are 404 like a missing run', async () => {
    for (const key of [alphaReader, alphaAdmin]) {
      const { runs } = await (await f.call('/api/arena/runs', { key })).json();
      assert.deepEqual(runs.map((r: { id: string }) => r.id), ['20261201-090000-a1a1'], 'admin rights do not widen collections');
      const run = await f.call('/api/arena/runs/20261201-090000-a1a1', { key });
      assert.equal(run.status, 200);
      assert.equal((await run.json()).arms[0].metrics.f1, 0.61);
      for (const id of ['20261201-100000-b2b2', '20261201-110000-c3c3', 'no-such-run']) {
        const denied = await f.call(`/api/arena/runs/${id}`, { key });
        assert.equal(denied.status, 404, id);
        const body = await denied.json();
        assert.equal(body.error.code, 'NOT_FOUND');
        assert.equal(body.error.message, `No arena run "${id}": list runs with GET /api/arena/runs.`, 'denied and missing read the same');
      }
      const report = await f.call('/api/arena/runs/20261201-110000-c3c3/report', { key });
      assert.equal(report.status, 404);
      assert.ok(!(await report.text()).includes('secret'));
    }
    assert.equal((await f.call('/api/arena/runs')).status, 401, 'no key, no runs');
  });

  test('the report is served as HTML under a strict, sandboxing CSP', async () => {
    const response = await f.call('/api/arena/runs/20261201-090000-a1a1/report', { key: alphaReader });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    for (const directive of ["default-src 'none'", "connect-src 'none'", 'sandbox allow-scripts', "base-uri 'none'", "form-action 'none'"]) assert.ok(csp.includes(directive), directive);
    assert.ok(!/allow-same-origin/.test(csp));
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await response.text(), /<h1>Arena report<\/h1>/);
    const none = await f.call('/api/arena/runs/20261201-100000-b2b2/report', { key: root });
    assert.equal(none.status, 404);
    assert.match((await none.json()).error.message, /has no HTML report/);
  });

  test('ids that try to leave the runs folder are rejected as missing', async () => {
    for (const id of ['..', '..%2F..%2Fkeys.json', '.hidden']) {
      const response = await f.call(`/api/arena/runs/${id}`, { key: root });
      assert.equal(response.status, 404, id);
    }
  });
});

describe('the advisor over HTTP', () => {
  test('advice on a visible run follows its measurements; bad criteria are a 400 naming the field', async () => {
    const response = await f.call('/api/arena/runs/20261201-090000-a1a1/advice?preset=finance&modelSize=small', { key: alphaReader });
    assert.equal(response.status, 200);
    const advice = await response.json();
    assert.equal(advice.recommendation, 'rag');
    assert.equal(advice.criteria.modelSize, 'small');
    assert.equal(advice.arena.run, '20261201-090000-a1a1');
    assert.ok(advice.reasons.some((r: { evidence?: { run: string } }) => r.evidence?.run === '20261201-090000-a1a1'));
    assert.equal((await f.call('/api/arena/runs/20261201-110000-c3c3/advice', { key: alphaReader })).status, 404);
    const { presets } = await (await f.call('/api/arena/presets', { key: alphaReader })).json();
    assert.deepEqual(presets.map((p: { name: string }) => p.name), ['customer-support', 'legal-document-analysis', 'media-content-recommendation', 'healthcare', 'finance']);
    const bad = await f.call('/api/arena/runs/20261201-090000-a1a1/advice?costBudget=free', { key: alphaReader });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /"costBudget" cannot be "free"; use low, medium, high/);
  });
});
