/**
 * Issue 12, rows 9 and 10 (home modes): a bounded, persisted upload queue that stops
 * within seconds and resumes, and a home only its owner can read — against the built server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSecurityHome, rawRequest, runBuiltCli, startBuiltServer, type SecurityHome } from './helpers/built-server.js';

let dir: string;
let home: SecurityHome;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-security-uploads-'));
  home = await prepareSecurityHome(dir);
});
after(() => rm(dir, { recursive: true, force: true }));

/** A multipart body of `count` small text files, each with a distinct word so it can be found later. */
function uploadBody(tag: string, count: number): { body: Buffer; headers: Record<string, string> } {
  const boundary = `b-${tag}`;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = `# Note ${tag} ${i}\n\nThe ${tag}marker${i} procedure applies to robot cell ${i}. ${'Operators log every inspection of the cell and its guards. '.repeat(20)}\n`;
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${tag}-${i}.md"\r\nContent-Type: text/markdown\r\n\r\n${text}\r\n`);
  }
  return { body: Buffer.from(parts.join('') + `--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function pollDone(url: string, key: string, jobId: string, timeoutMs = 120_000): Promise<{ state: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await rawRequest(`${url}/api/jobs/${jobId}`, { key });
    assert.equal(res.status, 200, `job ${jobId}: ${res.status} ${res.text}`);
    const job = res.json();
    if (job.state === 'done' || job.state === 'failed') return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('row 9: a bounded upload queue that survives a restart', () => {
  test('beyond the per-key share and the server bound, uploads get 429 with Retry-After; accepted ones finish', async () => {
    const server = await startBuiltServer(home.home, ['--max-queued-uploads', '3', '--max-queued-per-key', '2', '--rate', '0']);
    try {
      const sends = Array.from({ length: 8 }, (_, i) => {
        const { body, headers } = uploadBody(`burst${i}`, 40);
        return rawRequest(`${server.url}/api/collections/hr/documents`, { method: 'POST', key: home.keys.hrEditor, headers, body });
      });
      const responses = await Promise.all(sends);
      const accepted = responses.filter((r) => r.status === 202);
      const refused = responses.filter((r) => r.status === 429);
      assert.equal(accepted.length + refused.length, responses.length, responses.map((r) => `${r.status} ${r.text}`).join('\n'));
      assert.ok(accepted.length >= 1 && accepted.length <= 2, `per-key share of 2: ${accepted.length} accepted`);
      assert.ok(refused.length >= 6);
      for (const r of refused) {
        assert.ok(Number(r.headers['retry-after']) >= 1, 'Retry-After is set');
        assert.match(r.json().error.message, /waiting or running/);
      }
      for (const r of accepted) assert.equal((await pollDone(server.url, home.keys.hrEditor, r.json().jobId)).state, 'done');
      // Room again once they are done.
      const { body, headers } = uploadBody('after', 1);
      assert.equal((await rawRequest(`${server.url}/api/collections/hr/documents`, { method: 'POST', key: home.keys.hrEditor, headers, body })).status, 202);
    } finally {
      await server.stop();
    }
  });

  test('SIGTERM stops within seconds; queued uploads resume at the next start and their status can still be polled', async () => {
    const first = await startBuiltServer(home.home, ['--rate', '0']);
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { body, headers } = uploadBody(`resume${i}`, 60);
      const res = await rawRequest(`${first.url}/api/collections/hr/documents`, { method: 'POST', key: home.keys.hrEditor, headers, body });
      assert.equal(res.status, 202, res.text);
      jobIds.push(res.json().jobId);
    }
    const stopped = await first.stop('SIGTERM');
    console.log(`stopped in ${Math.round(stopped.ms)} ms`);
    assert.equal(stopped.code, 0, first.output().stderr);
    // Draining 180 files would take far longer; the queue is left on disk instead.
    assert.ok(stopped.ms < 15_000, `took ${stopped.ms} ms to stop`);
    const { readFile } = await import('node:fs/promises');
    const states = await Promise.all(jobIds.map(async (id) => JSON.parse(await readFile(join(home.home, 'jobs', `${id}.json`), 'utf8')).view.state as string));
    console.log(`job states on disk after SIGTERM: ${states.join(', ')}`);
    assert.ok(states.every((s) => s === 'queued' || s === 'done'), 'an interrupted job is kept queued, not failed');

    const second = await startBuiltServer(home.home, ['--rate', '0']);
    try {
      for (const id of jobIds) assert.equal((await pollDone(second.url, home.keys.hrEditor, id)).state, 'done');
      for (let i = 0; i < 3; i++) {
        const found = await rawRequest(`${second.url}/api/search`, { method: 'POST', key: home.keys.hrEditor, json: { query: `resume${i}marker59`, k: 1 } });
        assert.match(found.text, new RegExp(`resume${i}-59\\.md`), `upload ${i} was ingested in full`);
      }
    } finally {
      await second.stop();
    }
  });
});

describe('row 10: the home is its owner’s alone', () => {
  test('home and Tailor’s folders are 0700, every file in them 0600 (store, WAL, keys, config, uploads, jobs, datasets)', async () => {
    // A dataset too, so fine-tuning data is covered.
    const data = join(dir, 'qa.jsonl');
    await writeFile(data, '{"messages":[{"role":"user","content":"Who approves salaries?"},{"role":"assistant","content":"The board."}]}\n');
    const imported = await runBuiltCli(home.home, ['dataset', 'import', data, '--name', 'qa', '--format', 'chat']);
    assert.equal(imported.code, 0, imported.stderr);
    const wrong: string[] = [];
    const seen: string[] = [];
    async function walk(path: string): Promise<void> {
      const stat = await lstat(path);
      const mode = stat.mode & 0o777;
      seen.push(path.slice(home.home.length) || '/');
      if (stat.isDirectory()) {
        if (mode !== 0o700) wrong.push(`${path} is a folder with mode ${mode.toString(8)}`);
        for (const name of await readdir(path)) await walk(join(path, name));
      } else if (stat.isFile() && mode !== 0o600) {
        wrong.push(`${path} has mode ${mode.toString(8)}`);
      }
    }
    await walk(home.home);
    for (const expected of ['/store.db', '/keys.json', '/config.json', '/uploads', '/jobs', '/datasets']) {
      assert.ok(seen.some((p) => p.startsWith(expected)), `${expected} exists (seen: ${seen.slice(0, 20).join(', ')})`);
    }
    assert.deepEqual(wrong, []);
  });

  test('an older home left world-readable is tightened when it is next opened', async () => {
    const { chmod } = await import('node:fs/promises');
    await chmod(home.home, 0o755);
    await chmod(join(home.home, 'store.db'), 0o644);
    await chmod(join(home.home, 'keys.json'), 0o644);
    const listed = await runBuiltCli(home.home, ['documents', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal((await lstat(home.home)).mode & 0o777, 0o700);
    assert.equal((await lstat(join(home.home, 'store.db'))).mode & 0o777, 0o600);
    assert.equal((await lstat(join(home.home, 'keys.json'))).mode & 0o777, 0o600);
  });
});
