import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt as ensureFreshBuild } from './built.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltCliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** A file the command under test ships (e.g. dist/cli/commands/advise.js): a dist without it is rebuilt. */
  marker?: string;
}

/** Builds dist/ when it is missing or older than the sources (`marker` is kept for callers; any stale file counts). */
export function ensureBuilt(_marker?: string): void {
  ensureFreshBuild();
}

/** Runs the shipped `tailor` (dist/cli/main.js) as a real process. */
export function builtCli(args: string[], options: BuiltCliOptions = {}) {
  ensureBuilt(options.marker);
  const run = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** The same without blocking this process: for tests whose own HTTP server the binary talks to. */
export async function builtCliAsync(args: string[], options: BuiltCliOptions = {}) {
  ensureBuilt(options.marker);
  const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}
