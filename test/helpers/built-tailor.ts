/** The shipped CLI (dist/cli/main.js), built first if missing, run as users run it. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './built.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUILT_MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export { ensureBuilt };

export function tailorBuilt(args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  ensureBuilt();
  const run = spawnSync(process.execPath, [BUILT_MAIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: ROOT });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** `tailor serve --port 0 …` until it prints its URL; stop() sends SIGTERM and waits for the exit. */
export async function serveBuilt(args: string[], env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  ensureBuilt();
  const child = spawn(process.execPath, [BUILT_MAIN, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tailor serve exited (${code}) before listening:\n${out}\n${err}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
