import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the shipped `tailor` (dist/cli/main.js) as a real process. Builds first when dist lacks
 * `marker` (a file the command under test ships), so a stale dist cannot pass for the new code.
 */
export function builtCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; marker?: string } = {}) {
  const marker = options.marker ?? 'dist/cli/main.js';
  if (!existsSync(`${ROOT}${marker}`)) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  const run = spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, encoding: 'utf8' });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}
