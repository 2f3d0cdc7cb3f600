import type { Command } from 'commander';
import { TailorError } from '../../core/errors.js';
import { resolveHome } from '../../workspace.js';
import { createKeyStore, ROLES, type KeyStore, type Role } from '../../server/keys.js';
import { createPostgresKeyStore } from '../../server/keys-postgres.js';
import { createStoreFromSpec, isPostgresSpec, resolveStoreSpec } from '../../home/store-spec.js';
import { globalFlags, printJson, type CliIo } from '../context.js';

export function registerKeys(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('API keys for `tailor serve` (stored hashed in <home>/keys.json, or in the database of a PostgreSQL home)');
  /** Runs `use` on the home's key store: the keys file, or the shared table when the home's store is PostgreSQL. */
  const withKeys = async <T>(command: Command, use: (keys: KeyStore) => Promise<T>): Promise<T> => {
    const flags = globalFlags(command);
    const home = resolveHome(flags.home, io.env, io.cwd);
    const spec = await resolveStoreSpec(home, flags.store, io.env);
    if (!isPostgresSpec(spec)) return use(createKeyStore(home));
    const store = await createStoreFromSpec(spec, { home });
    try {
      return await use(createPostgresKeyStore({ database: store.sharedDatabase!, describe: spec }));
    } finally {
      await store.close();
    }
  };

  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--name <name>', 'who or what uses the key')
    .option('--role <role>', `one of ${ROLES.join(', ')}`, 'reader')
    .option('--collections <list>', 'comma-separated collections the key may use, or "*" for all', '*')
    .option('--json', 'as JSON')
    .action(async (flags: { name: string; role: string; collections: string; json?: boolean }, command: Command) => {
      if (!ROLES.includes(flags.role as Role)) throw new TailorError('INVALID_ARGUMENT', `Unknown role "${flags.role}": use ${ROLES.join(', ')}.`);
      const collections = flags.collections.split(',').map((s) => s.trim()).filter(Boolean);
      const created = await withKeys(command, async (store) => store.create({ name: flags.name, role: flags.role as Role, collections }));
      if (flags.json) return printJson(io, { id: created.id, key: created.key, ...created.summary });
      io.stdout.write(`${created.key}\n`);
      io.stderr.write(`Created ${created.summary.role} key ${created.id} "${created.summary.name}" for ${created.summary.collections.join(', ')}. It is shown only now: store it safely.\n`);
    });

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const list = await withKeys(command, async (store) => store.list());
      if (flags.json) return printJson(io, list);
      for (const k of list) io.stdout.write(`${k.keyId}  ${k.prefix}…  ${k.role.padEnd(6)}  ${k.name}  [${k.collections.join(', ')}]  ${k.createdAt}\n`);
      io.stdout.write(`${list.length} key(s)\n`);
    });

  keys
    .command('revoke')
    .description('revoke a key by id (see `tailor keys list`)')
    .argument('<id>', 'key id, e.g. key_1a2b3c4d5e6f')
    .action(async (id: string, _flags: unknown, command: Command) => {
      await withKeys(command, async (store) => store.revoke(id));
      io.stdout.write(`Revoked ${id}\n`);
    });
}
