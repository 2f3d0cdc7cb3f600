/**
 * Issue 12, rows 5, 6 and 10 (headers, timeouts): bodies by route, host and origin,
 * keyless mode, security headers — replayed against the built server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { prepareSecurityHome, rawRequest, startBuiltServer, type BuiltServer, type SecurityHome } from './helpers/built-server.js';

let dir: string;
let keyed: SecurityHome;
let open: SecurityHome;
let keyedServer: BuiltServer;
let openServer: BuiltServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tailor-security-requests-'));
  keyed = await prepareSecurityHome(join(dir, 'keyed'));
  open = await prepareSecurityHome(join(dir, 'open'), { keys: false });
  keyedServer = await startBuiltServer(keyed.home, ['--allowed-hosts', 'tailor.internal,proxy.example:8443', '--request-timeout-s', '2']);
  openServer = await startBuiltServer(open.home);
});
after(async () => {
  await keyedServer?.stop();
  await openServer?.stop();
  await rm(dir, { recursive: true, force: true });
});

function rssKb(pid: number): number | undefined {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return undefined;
  }
}

/** Streams `totalBytes` of body (1 MB chunks) and stops writing as soon as the server answers. */
function floodBody(url: string, headers: Record<string, string>, totalBytes: number): Promise<{ status: number; sentBytes: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, sentBytes: sent, text });
        req.destroy();
      });
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('row 5: each route takes one kind of body, bounded before it is read', () => {
  test('100 MB sent as multipart to /api/search → 415 at once, nearly none of it read, no memory spent', async () => {
    const before = rssKb(keyedServer.child.pid!);
    const headers = { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(100 * 1048576), authorization: `Bearer ${keyed.keys.admin}` };
    const res = await floodBody(`${keyedServer.url}/api/search`, headers, 100 * 1048576);
    assert.equal(res.status, 415, res.text);
    assert.match(JSON.parse(res.text).error.message, /application\/json/);
    assert.ok(res.sentBytes < 100 * 1048576, `the server let the client send all ${res.sentBytes} bytes`);
    const afterKb = rssKb(keyedServer.child.pid!);
    if (before !== undefined && afterKb !== undefined) assert.ok(afterKb - before < 60 * 1024, `RSS grew by ${afterKb - before} kB`);
  });

  test('a JSON body over the JSON limit → 413, declared or streamed without a length', async () => {
    const declared = await floodBody(`${keyedServer.url}/api/search`, { 'content-type': 'application/json', 'content-length': String(50 * 1048576), authorization: `Bearer ${keyed.keys.admin}` }, 50 * 1048576);
    assert.equal(declared.status, 413);
    const chunked = await floodBody(`${keyedServer.url}/api/search`, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${keyed.keys.admin}` }, 20 * 1048576);
    assert.equal(chunked.status, 413);
    assert.ok(chunked.sentBytes < 20 * 1048576);
  });

  test('text/plain or form bodies to JSON routes, and JSON to the upload route → 415; application/json with a charset works', async () => {
    const key = keyed.keys.admin;
    const query = JSON.stringify({ query: 'warranty' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=a', '']) {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const res = await rawRequest(`${keyedServer.url}/api/search`, { method: 'POST', key, headers, body: query });
      assert.equal(res.status, 415, `${type || 'no type'} → ${res.status}`);
    }
    const upload = await rawRequest(`${keyedServer.url}/api/collections/public/documents`, { method: 'POST', key, json: { files: 'x' } });
    assert.equal(upload.status, 415);
    const ok = await rawRequest(`${keyedServer.url}/api/search`, { method: 'POST', key, headers: { 'content-type': 'application/json; charset=utf-8' }, body: query });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe('row 6: only this server’s host names, and no other site’s page, may drive it', () => {
  test('a DNS-rebinding Host is refused on the UI and the API, keyless or not', async () => {
    for (const server of [openServer, keyedServer]) {
      for (const path of ['/', '/api/collections', '/api/search', '/health']) {
        const res = await rawRequest(server.url + path, { headers: { host: `attacker.example:${server.port}` } });
        assert.equal(res.status, 403, `${path} → ${res.status}`);
        assert.match(res.json().error.message, /host name/);
      }
    }
  });

  test('the loopback names with the bound port, and --allowed-hosts entries, are this server', async () => {
    for (const host of [`127.0.0.1:${openServer.port}`, `localhost:${openServer.port}`, `[::1]:${openServer.port}`]) {
      assert.equal((await rawRequest(`${openServer.url}/api/collections`, { headers: { host } })).status, 200, host);
    }
    assert.equal((await rawRequest(`${openServer.url}/api/collections`, { headers: { host: `localhost:${openServer.port + 1}` } })).status, 403);
    const key = keyed.keys.admin;
    assert.equal((await rawRequest(`${keyedServer.url}/api/collections`, { key, headers: { host: 'tailor.internal' } })).status, 200);
    assert.equal((await rawRequest(`${keyedServer.url}/api/collections`, { key, headers: { host: 'proxy.example:8443' } })).status, 200);
    assert.equal((await rawRequest(`${keyedServer.url}/api/collections`, { key, headers: { host: 'proxy.example:9999' } })).status, 403);
  });

  test('keyless: another site’s page cannot mint a key (text/plain, cross-site), and neither can anyone over HTTP', async () => {
    const body = JSON.stringify({ name: 'pwn', role: 'admin', collections: ['*'] });
    const attacks: Record<string, string>[] = [
      { 'content-type': 'text/plain', origin: 'https://evil.example' },
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'application/json', origin: 'null' },
      { 'content-type': 'application/json' }, // same machine, no browser: still CLI only
      { 'content-type': 'application/json', origin: openServer.url },
    ];
    for (const headers of attacks) {
      const res = await rawRequest(`${openServer.url}/api/keys`, { method: 'POST', headers, body });
      assert.ok(res.status === 403 || res.status === 415, `${JSON.stringify(headers)} → ${res.status} ${res.text}`);
    }
    assert.ok(!existsSync(join(open.home, 'keys.json')), 'no key was written');
    assert.equal((await rawRequest(`${openServer.url}/api/me`)).json().open, true, 'the owner is not locked out');
  });

  test('a foreign Origin or Sec-Fetch-Site: cross-site is refused on every state-changing route, with keys too', async () => {
    const key = keyed.keys.admin;
    const routes: [string, string, unknown][] = [
      ['POST', '/api/search', { query: 'warranty' }],
      ['POST', '/api/ask', { question: 'How long is the warranty?' }],
      ['POST', '/v1/chat/completions', { model: 'rag:public', messages: [{ role: 'user', content: 'warranty?' }] }],
      ['POST', '/api/collections', { name: 'made-by-evil' }],
      ['DELETE', '/api/collections/public', undefined],
      ['POST', '/api/keys', { name: 'x', role: 'reader', collections: ['public'] }],
    ];
    for (const [method, path, json] of routes) {
      for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: `http://localhost:${keyedServer.port + 1}` }] as Record<string, string>[]) {
        const res = await rawRequest(keyedServer.url + path, { method, key, headers, json });
        assert.equal(res.status, 403, `${method} ${path} ${JSON.stringify(headers)} → ${res.status}`);
      }
    }
    // The UI served by this server (same origin) and clients that send no Origin keep working.
    const same = await rawRequest(`${keyedServer.url}/api/search`, { method: 'POST', key, headers: { origin: keyedServer.url, 'sec-fetch-site': 'same-origin' }, json: { query: 'warranty' } });
    assert.equal(same.status, 200, same.text);
    assert.equal((await rawRequest(`${openServer.url}/api/search`, { method: 'POST', json: { query: 'warranty' } })).status, 200);
  });

  test('the OpenAI SDK (no Origin) still works against the guarded server', async () => {
    const client = new OpenAI({ baseURL: `${keyedServer.url}/v1`, apiKey: keyed.keys.publicReader });
    const completion = await client.chat.completions.create({ model: 'rag:public', messages: [{ role: 'user', content: 'How long is the warranty of the R2 robotic arm?' }] });
    assert.match(completion.choices[0]!.message.content ?? '', /three years/);
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'rag:public'));
  });
});

describe('row 10: security headers and request timeouts', () => {
  test('the UI, the API and its errors carry CSP, frame-ancestors, nosniff and no-referrer', async () => {
    for (const [path, init] of [['/', {}], ['/api/collections', { key: keyed.keys.admin }], ['/api/collections', {}], ['/v1/models', { key: keyed.keys.admin }]] as const) {
      const res = await rawRequest(keyedServer.url + path, init);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
    }
  });

  test('a client that stalls mid-body is cut off after --request-timeout-s, not Node’s 5 minutes', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(keyedServer.port, '127.0.0.1', () => {
        socket.write(`POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:${keyedServer.port}\r\nAuthorization: Bearer ${keyed.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`);
      });
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
      // Far past the 2 s given, far short of Node's default: the server must have hung up by then.
      setTimeout(() => {
        resolve('still open');
        socket.destroy();
      }, 20_000).unref();
    });
    assert.notEqual(outcome, 'still open');
    if (outcome) assert.match(outcome, /^HTTP\/1\.1 408/);
  });
});
