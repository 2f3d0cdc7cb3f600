import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { BUILT_CLI, ensureBuilt } from './helpers/built.js';
import { tempDir } from './helpers/temp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function env() {
  const dir = await tempDir();
  return { TAILOR_HOME: join(dir, 'home'), TAILOR_CACHE: join(dir, 'cache') };
}

/** Starts `tailor serve` as a real process and resolves with its printed URL. */
function serve(args: string[], e: Record<string, string>) {
  ensureBuilt();
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...e } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('tailor keys', () => {
  test('create prints the key once, list hides it, revoke removes it; keys.json holds only hashes', async () => {
    const e = await env();
    const created = await cli(['keys', 'create', '--role', 'reader', '--collections', 'a,b', '--name', 'alice'], e);
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^tlr_/);
    assert.match(created.stderr, /reader key key_[0-9a-f]+ "alice" for a, b/);
    const file = await readFile(join(e.TAILOR_HOME, 'keys.json'), 'utf8');
    assert.ok(!file.includes(key));
    const listed = await cli(['keys', 'list', '--json'], e);
    const [entry] = JSON.parse(listed.stdout);
    assert.deepEqual([entry.name, entry.role, entry.collections], ['alice', 'reader', ['a', 'b']]);
    assert.ok(!listed.stdout.includes(key));
    assert.equal((await cli(['keys', 'revoke', entry.keyId], e)).code, 0);
    assert.equal(JSON.parse((await cli(['keys', 'list', '--json'], e)).stdout).length, 0);
    const badRole = await cli(['keys', 'create', '--role', 'owner', '--name', 'x'], e);
    assert.equal(badRole.code, 2);
  });
});

describe('tailor serve', () => {
  test('refuses a public address without keys; on loopback warns it runs open, picks up keys created meanwhile, stops on SIGTERM', async () => {
    const e = await env();
    const refused = await cli(['serve', '--host', '0.0.0.0', '--port', '0'], e);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--insecure-open/);

    const run = serve(['--port', '0'], e);
    const url = await run.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await (await fetch(`${url}/health`)).json(), { ok: true, version: '0.1.0' });
    assert.equal((await fetch(`${url}/api/collections`)).status, 200);
    assert.match(run.output().stderr, /WARNING: no API keys configured: the server runs OPEN/);

    // A key made by another process ends the open mode without a restart.
    const key = (await cli(['keys', 'create', '--role', 'admin', '--name', 'root'], e)).stdout.trim();
    assert.equal((await fetch(`${url}/api/collections`)).status, 401);
    assert.equal((await fetch(`${url}/api/collections`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
    // The API reference is named at start-up and needs no key, like /health.
    assert.match(run.output().stdout, new RegExp(`API reference: ${url}/docs/api`));
    assert.equal(((await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }).openapi, '3.1.0');
    assert.equal((await fetch(`${url}/docs/api`)).status, 200);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.output().stderr, /Shutting down/);
  });
});
