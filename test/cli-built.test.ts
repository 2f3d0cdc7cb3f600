import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const SAMPLES = fileURLToPath(new URL('../samples/handbook', import.meta.url));

async function setup() {
  const dir = await tempDir('tailor-built-');
  return { dir, env: { TAILOR_HOME: join(dir, 'home'), TAILOR_CACHE: join(dir, 'cache') } };
}

describe('the built CLI: commands other suites do not run', () => {
  test('sync notices a changed and a deleted file; documents and stats describe the store', async () => {
    const { dir, env } = await setup();
    const docs = join(dir, 'docs');
    await cp(SAMPLES, docs, { recursive: true });
    assert.equal((await cli(['ingest', docs, '--collection', 'hb', '--embedder', 'none'], env)).code, 0);

    await writeFile(join(docs, 'onboarding.txt'), 'Vacation: new employees get 31 days of paid vacation per calendar year.\n');
    await rm(join(docs, 'holidays.csv'));
    await rm(join(docs, 'products.json'));
    const sync = await cli(['sync', '--collection', 'hb', '--json'], env);
    assert.equal(sync.code, 0, sync.stderr);
    const report = JSON.parse(sync.stdout);
    assert.deepEqual(report.removed.map((r: { source: string }) => r.source.split('/').pop()).sort(), ['holidays.csv', 'products.json']);
    const changed = report.ingest.files.filter((f: { status: string }) => f.status !== 'unchanged');
    assert.deepEqual(changed.map((f: { status: string; source: string }) => [f.status, f.source.split('/').pop()]), [['changed', 'onboarding.txt']]);

    const listed = await cli(['documents', '--json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const documents = JSON.parse(listed.stdout) as Array<{ source: string }>;
    assert.ok(documents.some((d) => d.source.endsWith('onboarding.txt')));
    assert.ok(!documents.some((d) => d.source.endsWith('products.json')), 'the deleted file left the store');

    const stats = await cli(['stats', '--json'], env);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(JSON.parse(stats.stdout).documents, documents.length);

    const ask = await cli(['ask', 'How many days of paid vacation do new employees get?', '--json'], env);
    assert.match(JSON.parse(ask.stdout).text, /31 days/);
  });

  test('eval beir scores a small BEIR folder and writes its chart', async () => {
    const { dir, env } = await setup();
    const beir = join(dir, 'beir');
    await mkdir(join(beir, 'qrels'), { recursive: true });
    const topics = ['glaciers melt faster in warm summers', 'volcanoes erupt molten basalt lava', 'honeybees pollinate almond orchards', 'tides follow the pull of the moon', 'comets carry frozen water ice'];
    await writeFile(join(beir, 'corpus.jsonl'), topics.map((t, i) => JSON.stringify({ _id: `d${i}`, title: `Doc ${i}`, text: `${t}. ${t.split(' ').reverse().join(' ')}.` })).join('\n') + '\n');
    await writeFile(join(beir, 'queries.jsonl'), topics.map((t, i) => JSON.stringify({ _id: `q${i}`, text: t.split(' ').slice(0, 3).join(' ') })).join('\n') + '\n');
    await writeFile(join(beir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\n' + topics.map((_, i) => `q${i}\td${i}\t1`).join('\n') + '\n');
    const chart = join(dir, 'chart.svg');
    const run = await cli(['eval', 'beir', beir, '--embedder', 'none', '--chart', chart, '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    const ndcg = result.metrics?.['nDCG@10'] ?? result.metrics?.ndcg10 ?? result.ndcg10;
    assert.ok(typeof ndcg === 'number' && ndcg > 0.9, run.stdout);
    assert.match(await readFile(chart, 'utf8'), /^<svg/);
  });

  test('dataset build, list, export and delete', async () => {
    const { dir, env } = await setup();
    assert.equal((await cli(['ingest', SAMPLES, '--collection', 'hb', '--embedder', 'none'], env)).code, 0);
    const built = await cli(['dataset', 'build', '--collection', 'hb', '--kind', 'qa', '--name', 'hbqa', '--json'], env);
    assert.equal(built.code, 0, built.stderr);
    const listed = await cli(['dataset', 'list', '--json'], env);
    const entry = (JSON.parse(listed.stdout) as Array<{ name: string; count: number }>).find((d) => d.name === 'hbqa');
    assert.ok(entry && entry.count > 0, listed.stdout);
    const out = join(dir, 'hbqa.jsonl');
    const exported = await cli(['dataset', 'export', 'hbqa', '--format', 'chat', '--out', out], env);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    assert.equal(lines.length, entry.count);
    assert.ok(Array.isArray(JSON.parse(lines[0]!).messages));
    assert.equal((await cli(['dataset', 'delete', 'hbqa'], env)).code, 0);
    const after = JSON.parse((await cli(['dataset', 'list', '--json'], env)).stdout) as Array<{ name: string }>;
    assert.ok(!after.some((d) => d.name === 'hbqa'));
  });
});
