import type { Command } from 'commander';
import { createStoreFromSpec, isPostgresSpec, resolveStoreSpec } from '../home/store-spec.js';
import { finetuneStoresFor, type FinetuneStores } from '../finetune/stores.js';
import { resolveHome } from '../workspace.js';
import { globalFlags, type CliIo } from './context.js';

/**
 * Runs `use` on the home's datasets and adapters without loading any model: files in the home,
 * or the tables of a PostgreSQL home's store (opened for the call and closed after).
 */
export async function withFinetuneStores<T>(io: CliIo, command: Command, use: (stores: FinetuneStores, home: string) => Promise<T>): Promise<T> {
  const flags = globalFlags(command);
  const home = resolveHome(flags.home, io.env, io.cwd);
  const spec = await resolveStoreSpec(home, flags.store, io.env);
  if (!isPostgresSpec(spec)) return use(finetuneStoresFor(home), home);
  const store = await createStoreFromSpec(spec, { home });
  try {
    return await use(finetuneStoresFor(home, store), home);
  } finally {
    await store.close();
  }
}
