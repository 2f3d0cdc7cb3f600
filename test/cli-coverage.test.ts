import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';
import { ROOT } from './helpers/built.js';

/** Every command path the CLI registers: "ingest", "keys", "keys create", … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

/**
 * The command paths the suite runs through the built binary: each `cli([...])` / `builtCli([...])` call
 * (the helpers spawn dist/cli/main.js) and each spawn of the built main, read from the array's string
 * literals, skipping flags and values that are not command names.
 */
async function commandsRunBuilt(names: Set<string>): Promise<Set<string>> {
  const run = new Set<string>();
  const dir = join(ROOT, 'test');
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.test.ts'))) {
    const source = await readFile(join(dir, file), 'utf8');
    for (const match of source.matchAll(/(?:\b(?:cli|builtCli|builtCliAsync)\(|\[(?:BUILT_CLI|BIN|MAIN),)\s*\[?([^\]]*)\]/g)) {
      const words = [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!).filter((w) => !w.startsWith('-'));
      const path: string[] = [];
      for (const word of words) {
        const candidate = [...path, word].join(' ');
        if (names.has(candidate)) path.push(word);
        else if (path.length > 0) break;
      }
      if (path.length > 0) run.add(path.join(' '));
    }
  }
  return run;
}

test('every CLI command is run at least once through the built binary somewhere in the suite', async () => {
  const program = buildProgram({ stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: ROOT });
  const paths = commandPaths(program).map((p) => p.join(' '));
  const run = await commandsRunBuilt(new Set(paths));
  // A group ("keys") counts as run when one of its subcommands is.
  const covered = (path: string) => run.has(path) || [...run].some((r) => r.startsWith(path + ' '));
  const missing = paths.filter((p) => !covered(p));
  assert.deepEqual(missing, [], `commands no test runs through dist/cli/main.js: ${missing.join(', ')}`);
});
