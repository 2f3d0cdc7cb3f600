import { Command, CommanderError } from 'commander';
import { isTailorError, toTailorError } from '../core/errors.js';
import type { CliIo } from './context.js';
import { registerIngest } from './commands/ingest.js';
import { registerSync } from './commands/sync.js';
import { registerForget } from './commands/forget.js';
import { registerSearch } from './commands/search.js';
import { registerAsk } from './commands/ask.js';
import { registerDocuments } from './commands/documents.js';
import { registerEval } from './commands/eval.js';
import { registerQuickstart } from './commands/quickstart.js';
import { registerServe } from './commands/serve.js';
import { registerKeys } from './commands/keys.js';
import { registerDataset } from './commands/dataset.js';
import { registerTrain } from './commands/train.js';
import { registerAdapters } from './commands/adapters.js';
import { registerArena } from './commands/arena.js';
import { registerAdvise } from './commands/advise.js';
import { registerStore } from './commands/store.js';
import { packageVersion } from '../core/version.js';

export function buildProgram(io: CliIo): Command {
  const program = new Command('tailor')
    .description('Make a language model know your documents: ingest, search, and answer with exact citations.')
    .option('--home <dir>', 'store directory (default: $TAILOR_HOME or ./.tailor)')
    .option('--store <spec>', 'where documents live: sqlite (default) or postgres://user@host:5432/db[?schema=name]; remembered by the home (also $TAILOR_STORE)')
    .option('-v, --verbose', 'log every step to stderr')
    .option('-q, --quiet', 'no progress or logs on stderr')
    .version(packageVersion(), '-V, --version', 'print the version')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const register of [registerQuickstart, registerIngest, registerSync, registerForget, registerSearch, registerAsk, registerDocuments, registerEval, registerServe, registerKeys, registerDataset, registerTrain, registerAdapters, registerArena, registerAdvise, registerStore]) {
    register(program, io);
  }
  return program;
}

/** Runs the CLI in-process and returns its exit code; errors are printed, never thrown. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  program.commands.forEach((c) => c.exitOverride());
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const e = toTailorError(error);
    const json = argv.includes('--json');
    if (json) io.stdout.write(JSON.stringify({ error: e.toJSON() }, null, 2) + '\n');
    else io.stderr.write(`error [${e.code}]: ${e.message}\n`);
    if (!isTailorError(error) && error instanceof Error && argv.includes('--verbose')) io.stderr.write(`${error.stack}\n`);
    return e.exitCode;
  } finally {
    process.exitCode = undefined;
  }
}
