/**
 * The shipped `tailor` (dist/cli/main.js) as users run it: built first when dist is
 * missing or older than src/, then spawned as a real process. Security tests replay
 * their attacks against this, not against in-process code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './built.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export { ensureBuilt };

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion (`tailor --home <home> ...args`). */
export function runBuiltCli(home: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, '--home', home, ...args], { cwd: ROOT, env: { ...process.env, TAILOR_CACHE: join(home, '..', 'cache'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface BuiltServer {
  url: string;
  port: number;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Sends `signal` and resolves with the exit code and how long the process took to exit (ms). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Starts `tailor serve --port 0 --home <home> ...args` and resolves once it prints its URL. */
export function startBuiltServer(home: string, args: string[] = [], env: Record<string, string> = {}): Promise<BuiltServer> {
  ensureBuilt();
  const child = spawn(process.execPath, [MAIN, '--home', home, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, TAILOR_CACHE: join(home, '..', 'cache'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        const url = match[1]!;
        resolve({
          url,
          port: Number(new URL(url).port),
          child,
          output: () => ({ stdout, stderr }),
          async stop(signal = 'SIGTERM') {
            const started = performance.now();
            if (child.exitCode === null) child.kill(signal);
            const code = await exited;
            return { code, ms: performance.now() - started };
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`tailor serve exited with ${code} before listening:\n${stderr}`)));
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One HTTP request with full control of its headers (fetch will not send a foreign
 * `Host`); `body` is sent as given, a `json` value serialised with application/json.
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; json?: unknown; key?: string } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface SecurityHome {
  dir: string;
  home: string;
  /** Secrets by role: `admin` ("*"), `publicAdmin` (admin on public only), `hrEditor`, `publicReader`. */
  keys: Record<'admin' | 'publicAdmin' | 'hrEditor' | 'publicReader', string>;
  keyIds: Record<'admin' | 'publicAdmin' | 'hrEditor' | 'publicReader', string>;
}

/**
 * A home made with the built CLI from documents written now: `hr` holds salaries (the
 * secret), `public` the handbook; four keys of different reach. Without keys=true the
 * home stays keyless (the server then runs open on loopback).
 */
export async function prepareSecurityHome(dir: string, options: { keys?: boolean; extraDocs?: Record<string, string> } = {}): Promise<SecurityHome> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const home = join(dir, 'home');
  const hr = join(dir, 'docs-hr');
  const pub = join(dir, 'docs-public');
  await mkdir(hr, { recursive: true });
  await mkdir(pub, { recursive: true });
  await writeFile(join(hr, 'salaries.md'), '# Salaries\n\nThe salary of the chief executive Alice Moreau is 412,000 euros per year.\n');
  await writeFile(join(pub, 'warranty.md'), '# Warranty\n\nThe R2 robotic arm has a warranty of three years covering parts and labour.\n');
  for (const [name, text] of Object.entries(options.extraDocs ?? {})) await writeFile(join(pub, name), text);
  for (const [folder, collection] of [[hr, 'hr'], [pub, 'public']] as const) {
    const result = await runBuiltCli(home, ['ingest', folder, '--collection', collection]);
    if (result.code !== 0) throw new Error(`ingest failed: ${result.stderr}`);
  }
  const keys = {} as SecurityHome['keys'];
  const keyIds = {} as SecurityHome['keyIds'];
  if (options.keys !== false) {
    const specs = { admin: ['admin', '*'], publicAdmin: ['admin', 'public'], hrEditor: ['editor', 'hr'], publicReader: ['reader', 'public'] } as const;
    for (const [name, [role, collections]] of Object.entries(specs) as [keyof SecurityHome['keys'], readonly [string, string]][]) {
      const created = await runBuiltCli(home, ['keys', 'create', '--name', name, '--role', role, '--collections', collections, '--json']);
      if (created.code !== 0) throw new Error(`keys create failed: ${created.stderr}`);
      const parsed = JSON.parse(created.stdout) as { id: string; key: string };
      keys[name] = parsed.key;
      keyIds[name] = parsed.id;
    }
  }
  return { dir, home, keys, keyIds };
}
