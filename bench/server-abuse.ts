/**
 * Replays issue 12's resource attacks against the built server and prints the figures for
 * bench/RESULTS.md ("Server under abuse"):
 *   1. 8 concurrent 100 MB bodies sent as multipart to /api/search: statuses, time to answer, server RSS growth;
 *   2. one editor key uploading as fast as it can for 20 s: accepted (202) vs refused (429);
 *   3. SIGTERM with uploads queued: time to exit, then whether every accepted job finishes after a restart.
 *
 *   npm run build && timeout 300 node --import tsx bench/server-abuse.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSecurityHome, rawRequest, startBuiltServer } from '../test/helpers/built-server.js';

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)![1]) / 1024);
}

function flood(url: string, key: string, bytes: number): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(bytes), authorization: `Bearer ${key}` } }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
        req.destroy();
      });
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    const chunk = Buffer.alloc(1048576, 0x61);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

function upload(url: string, key: string, tag: string, files: number) {
  const boundary = `b${tag}`;
  let body = '';
  for (let i = 0; i < files; i++) body += `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${tag}-${i}.md"\r\n\r\n# ${tag} ${i}\n\nThe ${tag}x${i} cell is inspected daily. ${'Operators log each inspection. '.repeat(30)}\r\n`;
  body += `--${boundary}--\r\n`;
  return rawRequest(`${url}/api/collections/hr/documents`, { method: 'POST', key, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
}

const dir = await mkdtemp(join(tmpdir(), 'tailor-bench-abuse-'));
try {
  const home = await prepareSecurityHome(dir);

  const server = await startBuiltServer(home.home, ['--rate', '0']);
  const before = await rssMb(server.child.pid!);
  let peak = before;
  const sampler = setInterval(() => void rssMb(server.child.pid!).then((mb) => (peak = Math.max(peak, mb))), 50);
  const floods = await Promise.all(Array.from({ length: 8 }, () => flood(`${server.url}/api/search`, home.keys.admin, 100 * 1048576)));
  clearInterval(sampler);
  console.log(`1. 8 × 100 MB multipart to /api/search: statuses ${[...new Set(floods.map((f) => f.status))].join(',')}, slowest answer ${Math.max(...floods.map((f) => f.ms)).toFixed(0)} ms, RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB`);

  const until = Date.now() + 20_000;
  const counts = new Map<number, number>();
  let n = 0;
  while (Date.now() < until) {
    const batch = await Promise.all(Array.from({ length: 8 }, () => upload(server.url, home.keys.hrEditor, `u${n++}`, 1)));
    for (const r of batch) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  }
  console.log(`2. one editor key, 20 s of uploads (8 in flight): ${[...counts].map(([s, c]) => `${c} × ${s}`).join(', ')}`);
  await server.stop();

  const first = await startBuiltServer(home.home, ['--rate', '0']);
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await upload(first.url, home.keys.hrEditor, `q${i}`, 80)).json().jobId);
  const stopped = await first.stop('SIGTERM');
  const second = await startBuiltServer(home.home, ['--rate', '0']);
  const restarted = performance.now();
  const states: string[] = [];
  for (const id of ids) {
    for (;;) {
      const job = (await rawRequest(`${second.url}/api/jobs/${id}`, { key: home.keys.hrEditor })).json();
      if (job.state === 'done' || job.state === 'failed') {
        states.push(job.state);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  console.log(`3. SIGTERM with 6 uploads × 80 files queued: exit ${stopped.code} after ${stopped.ms.toFixed(0)} ms; after restart ${states.filter((s) => s === 'done').length}/${ids.length} jobs done in ${((performance.now() - restarted) / 1000).toFixed(1)} s`);
  await second.stop();
} finally {
  await rm(dir, { recursive: true, force: true });
}
