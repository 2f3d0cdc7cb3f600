import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltCliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** A file the command under test ships (e.g. dist/cli/commands/advise.js): a dist without it is rebuilt. */
  marker?: string;
}

/** Builds dist/ when it lacks `marker`, so a stale build cannot pass for the new code. */
export function ensureBuilt(marker = 'dist/cli/main.js'): void {
  if (existsSync(`${ROOT}${marker}`)) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
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
