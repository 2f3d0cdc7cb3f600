import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TailorError } from '../core/errors.js';
import { DATABASE_FILE } from '../index/schema.js';
import { createLineLogger, silentLogger, type Logger } from '../core/logger.js';
import { openWorkspace, resolveHome, type Workspace } from '../workspace.js';
import { createProgress } from './progress.js';

/** Everything the CLI touches of the outside world, injected so tests can run it in-process. */
export interface CliIo {
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface GlobalFlags {
  home?: string;
  store?: string;
  verbose?: boolean;
  quiet?: boolean;
}

export function globalFlags(command: Command): GlobalFlags {
  return command.optsWithGlobals() as GlobalFlags;
}

export function loggerFor(io: CliIo, flags: GlobalFlags): Logger {
  if (flags.quiet) return silentLogger;
  return createLineLogger((line) => io.stderr.write(line + '\n'), flags.verbose ? 'debug' : 'warn');
}

export function progressFor(io: CliIo, flags: GlobalFlags & { json?: boolean }) {
  return createProgress(io.stderr as NodeJS.WriteStream, !flags.quiet);
}

export async function withWorkspace<T>(
  io: CliIo,
  flags: GlobalFlags & { embedder?: string; llm?: string; adapter?: string; allowErased?: boolean },
  run: (workspace: Workspace) => Promise<T>,
  options: { mustExist?: boolean } = {},
): Promise<T> {
  const home = resolveHome(flags.home, io.env, io.cwd);
  // Commands that only read must not turn a mistyped --home into a new, empty store. A home whose
  // config.json names another store (PostgreSQL) has no store.db, and an explicit --store says where it is.
  const homeExists = existsSync(join(home, DATABASE_FILE)) || existsSync(join(home, 'config.json')) || flags.store !== undefined;
  if (options.mustExist && !homeExists) {
    throw new TailorError('NOT_FOUND', `No Tailor store exists at ${home}. Check --home (or TAILOR_HOME), or create one with \`tailor ingest <path> --home ${home}\`.`, { details: { home } });
  }
  const workspace = await openWorkspace({
    home,
    env: io.env,
    embedder: flags.embedder,
    llm: flags.llm,
    store: flags.store,
    adapter: flags.adapter,
    allowErased: flags.allowErased,
    logger: loggerFor(io, flags),
    notice: flags.quiet ? undefined : (line) => io.stderr.write(`${line}\n`),
  });
  try {
    return await run(workspace);
  } finally {
    await workspace.owner.close();
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
