import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

/** The project's root, and the shipped CLI that users run (`bin.tailor` in package.json). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT_CLI = join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The newest file the build reads: the library and CLI (src/) and the web UI (web/src/). */
function newestSource(): number {
  return Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'web', 'src')));
}

function builtMtime(): number {
  try {
    return statSync(BUILT_CLI).mtimeMs;
  } catch {
    return -1;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Makes sure dist/ is built from the current sources. `npm test` builds first (pretest); this
 * covers running one test file on its own. Test files run in parallel processes, so one builds
 * under a lock directory while the others wait for it.
 */
export function ensureBuilt(): void {
  if (builtMtime() >= newestSource()) return;
  const lock = join(tmpdir(), `tailor-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      sleep(250);
      if (builtMtime() >= newestSource()) return;
    }
  }
  try {
    if (builtMtime() < newestSource()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    rmdirSync(lock);
  }
}

export interface BuiltRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion with this process's environment plus `env` (cli() passes only what a test names). */
export function runBuilt(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): BuiltRun {
  ensureBuilt();
  const run = spawnSync(process.execPath, [BUILT_CLI, ...args], {
    cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8', timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
