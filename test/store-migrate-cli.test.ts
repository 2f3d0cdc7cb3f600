/** The built `tailor` on a PostgreSQL store: --store per home, and `store migrate` there and back. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtCli } from './helpers/built-cli.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { tempDir } from './helpers/temp.js';
import { finetuneStoresFor } from '../src/finetune/stores.js';
import { adapterWithFile } from './finetune-stores-contract.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);
const MARKER = 'dist/cli/commands/store.js';

describe('tailor with a PostgreSQL store (built CLI)', { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startPostgresCluster();
  });
  after(() => server?.stop());

  test('--store postgres://… is remembered by the home; ingest and search run on Postgres', async () => {
    const home = await tempDir('tailor-pg-home-');
    const url = `${server.url}?schema=direct`;
    const ingest = builtCli(['--home', home, '--store', url, 'ingest', 'samples/handbook', '--json'], { marker: MARKER });
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.equal(JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).store, url);
    // No --store now: the home's config chooses Postgres, and nothing went to a local store.db.
    const search = builtCli(['--home', home, 'search', 'remote work equipment', '--json'], { marker: MARKER });
    assert.equal(search.code, 0, search.stderr);
    assert.ok(JSON.parse(search.stdout).results.length > 0, search.stdout);
    const docs = builtCli(['--home', home, 'documents', '--json'], { marker: MARKER });
    assert.equal(docs.code, 0, docs.stderr);
    assert.match(docs.stdout, /travel-policy\.md/);
  });

  test('store migrate copies an embedded home to Postgres, verifies the counts, switches the home, and copies back', async () => {
    const home = await tempDir('tailor-migrate-');
    assert.equal(builtCli(['--home', home, 'ingest', 'samples/handbook'], { marker: MARKER }).code, 0);
    const before = builtCli(['--home', home, 'search', 'warranty period', '--json'], { marker: MARKER });
    // Fine-tuning data of the embedded home: a dataset imported by the CLI and an adapter (with its file) trained on a document.
    const qa = join(home, 'qa.jsonl');
    await writeFile(qa, ['Which policy covers hotels?', 'How long is the warranty?'].map((q) => JSON.stringify({ messages: [{ role: 'user', content: q }, { role: 'assistant', content: 'See the handbook.' }] })).join('\n') + '\n');
    assert.equal(builtCli(['--home', home, 'dataset', 'import', qa, '--format', 'chat', '--name', 'faq'], { marker: MARKER }).code, 0);
    const travel = (JSON.parse(builtCli(['--home', home, 'documents', '--json'], { marker: MARKER }).stdout) as Array<{ id: string; source: string }>).find((d) => d.source.endsWith('travel-policy.md'))!;
    const weights = Buffer.from('lora weights of the embedded home');
    const local = finetuneStoresFor(home);
    await local.adapters.put(await adapterWithFile(local, 'travel-lora', [travel.id], weights));
    const url = `${server.url}?schema=migrated`;
    const migrate = builtCli(['--home', home, 'store', 'migrate', '--to', url, '--json'], { marker: MARKER });
    assert.equal(migrate.code, 0, migrate.stderr);
    const result = JSON.parse(migrate.stdout);
    assert.equal(result.verified, true);
    assert.equal(result.switched, true);
    assert.ok(result.documents >= 7 && result.chunks >= result.documents && result.vectors === result.chunks, migrate.stdout);
    assert.equal(JSON.parse(await readFile(join(home, 'config.json'), 'utf8')).store, url);
    assert.deepEqual([result.datasets, result.adapters], [{ copied: 1, total: 1 }, { copied: 1, total: 1 }]);
    assert.deepEqual(result.stayOnDisk.map((p: string) => p.split('/').at(-1)), ['uploads', 'traces']);
    // The same passages, now served from Postgres.
    const afterMigrate = builtCli(['--home', home, 'search', 'warranty period', '--json'], { marker: MARKER });
    assert.equal(afterMigrate.code, 0, afterMigrate.stderr);
    const ids = (out: string) => (JSON.parse(out).results as Array<{ chunk: { id: string } }>).map((r) => r.chunk.id);
    assert.ok(ids(before.stdout).length > 0);
    assert.deepEqual(ids(afterMigrate.stdout), ids(before.stdout));
    // The home's datasets and adapters now come from the database: the CLI lists them from there, and forgetting
    // the document the adapter was trained on flags it there.
    const datasetList = JSON.parse(builtCli(['--home', home, 'dataset', 'list', '--json'], { marker: MARKER }).stdout) as Array<{ name: string; count: number }>;
    assert.deepEqual(datasetList.map((d) => [d.name, d.count]), [['faq', 2]]);
    const forget = builtCli(['--home', home, 'forget', travel.source], { marker: MARKER });
    assert.equal(forget.code, 0, forget.stderr);
    const flagged = builtCli(['--home', home, 'adapters', 'show', 'travel-lora', '--json'], { marker: MARKER });
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.equal(JSON.parse(flagged.stdout).containsErasedData, true);
    assert.equal(JSON.parse(builtCli(['--home', home, '--store', 'sqlite', 'adapters', 'show', 'travel-lora', '--json'], { marker: MARKER }).stdout).containsErasedData, undefined, 'the embedded copy is the old one');
    // Into a non-empty store is refused, and loses nothing.
    const again = builtCli(['--home', home, '--store', 'sqlite', 'store', 'migrate', '--to', url, '--no-switch'], { marker: MARKER });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds \d+ documents/);
    // And back, into a fresh directory.
    const back = await tempDir('tailor-migrate-back-');
    const reverse = builtCli(['--home', home, 'store', 'migrate', '--to', back, '--json'], { marker: MARKER });
    assert.equal(reverse.code, 0, reverse.stderr);
    const reversed = JSON.parse(reverse.stdout);
    // One document fewer: the forgotten one.
    assert.deepEqual([reversed.documents, reversed.switched], [result.documents - 1, false]);
    assert.ok(reversed.chunks > 0 && reversed.chunks < result.chunks, reverse.stdout);
    // The datasets and the flagged adapter, with its file, arrived in the other home.
    const backStores = finetuneStoresFor(back);
    assert.deepEqual((await backStores.datasets.list()).map((d) => d.name), ['faq']);
    const copied = await backStores.adapters.get('travel-lora');
    assert.equal(copied.containsErasedData, true);
    assert.equal(copied.path, join(back, 'adapters', 'travel-lora', 'adapter.gguf'));
    assert.deepEqual(await readFile(copied.path), weights);
  });
});
