import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import { readConfig, writeConfig, DEFAULT_CONFIG } from '../../home/config.js';
import { migrateStore } from '../../home/migrate.js';
import { migrateFinetune } from '../../home/migrate-finetune.js';
import { finetuneStoresFor } from '../../finetune/stores.js';
import { createStoreFromSpec, describeStoreSpec, isPostgresSpec, resolveStoreSpec } from '../../home/store-spec.js';
import { resolveHome } from '../../workspace.js';
import { globalFlags, loggerFor, printJson, type CliIo } from '../context.js';
import type { Store } from '../../index/store.js';
import { addToKeyFile, readKeyFile } from '../../server/keys.js';
import { addToKeyTable, readKeyTable } from '../../server/keys-postgres.js';

/** Copies API keys (hashed) along with the store and checks every one arrived; keys already in the target are kept. */
async function copyKeys(options: { from: Store; fromHome: string; to: Store; toHome: string }): Promise<{ copied: number; total: number }> {
  const source = options.from.sharedDatabase ? await readKeyTable(options.from.sharedDatabase) : readKeyFile(options.fromHome);
  if (source.length === 0) return { copied: 0, total: 0 };
  const target = options.to.sharedDatabase;
  if (!target && options.toHome === options.fromHome && !options.from.sharedDatabase) return { copied: 0, total: source.length }; // same keys file
  const copied = target ? await addToKeyTable(target, source) : addToKeyFile(options.toHome, source);
  const there = new Set((target ? await readKeyTable(target) : readKeyFile(options.toHome)).map((k) => k.keyId));
  const missing = source.filter((k) => !there.has(k.keyId));
  if (missing.length > 0) throw new TailorError('INTERNAL', `${missing.length} API keys did not arrive in the target store; the source is untouched: run the migration again.`);
  return { copied, total: source.length };
}

export function registerStore(program: Command, io: CliIo): void {
  const store = program.command('store').description('the store behind a home: where its documents, chunks and vectors live');
  store
    .command('migrate')
    .description('copy this home\'s documents, chunks, vectors, keys, datasets and adapters into another store, verify the counts, and switch the home to it')
    .requiredOption('--to <target>', 'postgres://user@host:5432/db[?schema=name], "sqlite" (this home\'s store.db), or another home directory')
    .option('--no-switch', 'copy and verify only; the home keeps using its current store')
    .option('--batch <n>', 'documents per transaction', (v) => Number(v), 200)
    .option('--json', 'print the result as JSON')
    .action(async (flags: { to: string; switch: boolean; batch: number; json?: boolean }, command: Command) => {
      const global = globalFlags(command);
      const home = resolveHome(global.home, io.env, io.cwd);
      const logger = loggerFor(io, global);
      const fromSpec = await resolveStoreSpec(home, global.store, io.env);
      const toIsDir = !isPostgresSpec(flags.to) && flags.to !== 'sqlite';
      const toHome = toIsDir ? resolve(io.cwd, flags.to) : home;
      const toSpec = toIsDir ? 'sqlite' : flags.to;
      if (toSpec === fromSpec && toHome === home) {
        throw new TailorError('INVALID_ARGUMENT', `This home already uses ${describeStoreSpec(fromSpec, home)}: name another store with --to.`);
      }
      if (toIsDir && !isAbsolute(flags.to) && flags.to.includes('://')) {
        throw new TailorError('INVALID_ARGUMENT', `--to "${flags.to}" is neither a postgres:// URL, "sqlite", nor a directory.`);
      }
      const from = await createStoreFromSpec(fromSpec, { home, logger });
      try {
        const to = await createStoreFromSpec(toSpec, { home: toHome, logger });
        try {
          const result = await migrateStore({
            from,
            to,
            batchDocuments: flags.batch,
            onProgress: ({ documents, total }) => {
              if (!global.quiet && !flags.json) io.stderr.write(`\rcopied ${documents}/${total} documents`);
            },
          });
          if (!global.quiet && !flags.json) io.stderr.write('\n');
          // Keys follow the store: a PostgreSQL home keeps them in its database (shared by replicas), an embedded one in keys.json.
          const keys = await copyKeys({ from, fromHome: home, to, toHome });
          // Datasets and adapters (lineage, erasure flags, adapter files) follow the store the same way.
          const finetune = await migrateFinetune(finetuneStoresFor(home, from), finetuneStoresFor(toHome, to));
          const switched = flags.switch && !toIsDir;
          if (switched) {
            const saved = await readConfig(home);
            await writeConfig(home, { ...DEFAULT_CONFIG, ...saved, store: toSpec });
          }
          const summary = {
            from: describeStoreSpec(fromSpec, home),
            to: describeStoreSpec(toSpec, toHome),
            documents: result.documents,
            chunks: result.chunks,
            vectors: result.vectors,
            keys,
            datasets: finetune.datasets,
            adapters: finetune.adapters,
            verified: true,
            switched,
            stayOnDisk: ['uploads', 'traces'].map((name) => `${home}/${name}`),
          };
          if (flags.json) return printJson(io, summary);
          io.stdout.write(
            `copied ${result.documents} documents, ${result.chunks} chunks, ${result.vectors} vectors${keys.copied > 0 ? `, ${keys.copied} API keys` : ''}, ${finetune.datasets.total} dataset(s) and ${finetune.adapters.total} adapter(s) from ${summary.from} to ${summary.to}; counts verified\n` +
              (switched ? `this home now uses ${summary.to} (the old store is left as it was; delete it when you no longer need it)\n` : '') +
              `uploads and traces stay in ${home}\n`,
          );
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    });
}
