/** `tailor store migrate` takes the API keys along: into the shared table of a PostgreSQL home, and back into keys.json. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtCli } from './helpers/built-cli.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { tempDir } from './helpers/temp.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

describe('store migrate with API keys (built CLI)', { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startPostgresCluster();
  });
  after(() => server?.stop());

  test('keys made in keys.json work on the PostgreSQL home after migrating, and come back to keys.json', async () => {
    const home = await tempDir('tailor-keys-migrate-');
    assert.equal(builtCli(['--home', home, 'ingest', 'samples/handbook']).code, 0);
    const made = builtCli(['--home', home, 'keys', 'create', '--name', 'ops', '--role', 'editor', '--collections', 'default', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const ops = JSON.parse(made.stdout);
    const url = `${server.url}?schema=keyed`;
    const migrate = builtCli(['--home', home, 'store', 'migrate', '--to', url, '--json']);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.deepEqual(JSON.parse(migrate.stdout).keys, { copied: 1, total: 1 });
    // The home now reads its keys from the database: the migrated key, and a new one made there.
    const second = builtCli(['--home', home, 'keys', 'create', '--name', 'reader', '--role', 'reader', '--json']);
    assert.equal(second.code, 0, second.stderr);
    const listed = JSON.parse(builtCli(['--home', home, 'keys', 'list', '--json']).stdout) as Array<{ keyId: string; name: string }>;
    assert.deepEqual(listed.map((k) => k.name).sort(), ['ops', 'reader']);
    assert.ok(listed.some((k) => k.keyId === ops.id));
    const local = JSON.parse(await readFile(join(home, 'keys.json'), 'utf8')).keys as unknown[];
    assert.equal(local.length, 1, 'keys.json was left as it was; the new key went to the database');
    // And back, into a fresh directory.
    const back = await tempDir('tailor-keys-back-');
    const reverse = builtCli(['--home', home, 'store', 'migrate', '--to', back, '--json']);
    assert.equal(reverse.code, 0, reverse.stderr);
    assert.deepEqual(JSON.parse(reverse.stdout).keys, { copied: 2, total: 2 });
    const restored = JSON.parse(await readFile(join(back, 'keys.json'), 'utf8')).keys as Array<{ name: string; hash: string }>;
    assert.deepEqual(restored.map((k) => k.name).sort(), ['ops', 'reader']);
    assert.ok(restored.every((k) => /^[0-9a-f]{64}$/.test(k.hash)), 'hashes, never the keys, travel');
    const revoke = builtCli(['--home', home, 'keys', 'revoke', ops.id]);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.equal(JSON.parse(builtCli(['--home', home, 'keys', 'list', '--json']).stdout).length, 1, 'revoked in the database');
  });
});
