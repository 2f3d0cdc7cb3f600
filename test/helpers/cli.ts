import { spawn } from 'node:child_process';
import { BUILT_CLI, ensureBuilt } from './built.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a child process needs from the machine besides the variables a test chooses. */
const BASE_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'];

/**
 * Runs the BUILT `tailor` (dist/cli/main.js) as users do, with captured output and an explicit
 * environment: only the base variables plus `env`. Tests through tsx alone once hid a CLI that
 * could not train.
 */
export async function cli(args: string[], env: Record<string, string | undefined>, cwd = process.cwd(), options: { input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  ensureBuilt();
  const base = Object.fromEntries(BASE_ENV_KEYS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}
