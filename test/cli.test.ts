import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { BUILT_CLI, ROOT, ensureBuilt } from './helpers/built.js';
import { readFile } from 'node:fs/promises';
import { tempDir } from './helpers/temp.js';

const SAMPLES = fileURLToPath(new URL('../samples/handbook', import.meta.url));

async function env() {
  const dir = await tempDir();
  return { TAILOR_HOME: join(dir, 'home'), TAILOR_CACHE: join(dir, 'cache') };
}

describe('tailor CLI', () => {
  test('quickstart ingests the sample and prints cited answers', async () => {
    const run = await cli(['quickstart'], await env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /7 new/);
    assert.match(run.stdout, /28 days of paid vacation/);
    assert.match(run.stdout, /three years/i);
    assert.match(run.stdout, /\[1\] .*warranty\.pdf.*page 1/i);
  });

  test('ingest, search --json and ask --json expose text, offsets, pages, scores and the trace', async () => {
    const e = await env();
    const ingest = await cli(['ingest', SAMPLES, '--collection', 'hb', '--json'], e);
    assert.equal(ingest.code, 0, ingest.stderr);
    const report = JSON.parse(ingest.stdout);
    assert.equal(report.counts.new, 7);
    assert.equal(report.counts.failed, 0);

    const search = await cli(['search', 'refund', 'returned', 'product', '--k', '3', '--json'], e);
    assert.equal(search.code, 0, search.stderr);
    const hits = JSON.parse(search.stdout).results;
    assert.ok(hits.length > 0);
    const top = hits[0];
    assert.ok(top.document.source.endsWith('warranty.pdf'));
    assert.equal(top.chunk.page, 2);
    assert.equal(typeof top.chunk.start, 'number');
    assert.equal(top.chunk.text.length, top.chunk.end - top.chunk.start);
    assert.ok(top.scores.bm25 > 0);

    const ask = await cli(['ask', 'How much is the home office allowance?', '--json'], e);
    assert.equal(ask.code, 0, ask.stderr);
    const answer = JSON.parse(ask.stdout);
    assert.equal(answer.refused, false);
    assert.match(answer.citations[0].quote, /500 EUR/);
    assert.ok(answer.citations[0].source.endsWith('remote-work.docx'));
    assert.ok(answer.trace.prompt.length === 2 && answer.trace.retrieved.length > 0);
    assert.ok(typeof answer.trace.timingsMs.total === 'number');

    const refused = await cli(['ask', 'Who won the football world cup in 1954?', '--json'], e);
    assert.equal(JSON.parse(refused.stdout).refused, true);
  });

  test('filters restrict search to a collection', async () => {
    const e = await env();
    await cli(['ingest', join(SAMPLES, 'onboarding.txt'), '--collection', 'a'], e);
    await cli(['ingest', join(SAMPLES, 'security.html'), '--collection', 'b'], e);
    const inA = JSON.parse((await cli(['search', 'passwords', 'characters', '--collection', 'a', '--json'], e)).stdout);
    // The vector leg still returns A's nearest passages; none may come from B.
    assert.ok(inA.results.every((r: { document: { collection: string; source: string } }) => r.document.collection === 'a' && r.document.source.endsWith('onboarding.txt')));
    const inB = JSON.parse((await cli(['search', 'passwords', 'characters', '--collection', 'b', '--json'], e)).stdout);
    assert.ok(inB.results.length > 0);
  });

  test('errors name the problem and map to exit codes', async () => {
    const e = await env();
    const forget = await cli(['forget', '/no/such/doc.md'], e);
    assert.equal(forget.code, 3);
    assert.match(forget.stderr, /NOT_FOUND/);
    const redact = await cli(['ingest', SAMPLES, '--redact', 'emails,shoe-size'], e);
    assert.equal(redact.code, 2);
    assert.match(redact.stderr, /INVALID_ARGUMENT/);
    const missing = await cli(['ingest', '/no/such/folder', '--json'], e);
    const report = JSON.parse(missing.stdout);
    assert.equal(report.counts.failed, 1);
  });

  test('the bin that package.json names is the built CLI, and it runs as a real process', async () => {
    ensureBuilt();
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(join(ROOT, pkg.bin.tailor!), BUILT_CLI);
    const run = spawnSync(process.execPath, [BUILT_CLI, '--help'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /ingest/);
    assert.match(run.stdout, /ask/);
    // `npm link` and global installs run the file itself (its shebang): the build leaves it executable.
    if (process.platform !== 'win32') {
      assert.ok((statSync(BUILT_CLI).mode & 0o111) !== 0, 'dist/cli/main.js is executable');
      const direct = spawnSync(BUILT_CLI, ['--version'], { encoding: 'utf8' });
      assert.equal(direct.status, 0, direct.stderr ?? String(direct.error));
      assert.equal(direct.stdout.trim(), (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    }
  });
});
