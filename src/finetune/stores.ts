import type { SharedDatabase } from '../index/store.js';
import { createDatasetStore, type DatasetStore } from './datasets/store.js';
import { createPostgresDatasetStore } from './datasets/store-postgres.js';
import { createAdapterRegistry, type AdapterRegistry } from './registry.js';
import { createPostgresAdapterRegistry } from './registry-postgres.js';

/** Where a home keeps its datasets and adapters (an opened Home is one). */
export interface FinetuneStores {
  readonly datasets: DatasetStore;
  readonly adapters: AdapterRegistry;
}

/**
 * A home's datasets and adapters live beside its documents: in files under the home for the
 * embedded store, in the database of a PostgreSQL store (shared by every replica, reached by
 * every erasure).
 */
export function finetuneStoresFor(home: string, store?: { readonly sharedDatabase?: SharedDatabase }): FinetuneStores {
  const database = store?.sharedDatabase;
  if (!database) return { datasets: createDatasetStore(home), adapters: createAdapterRegistry(home) };
  return { datasets: createPostgresDatasetStore(database), adapters: createPostgresAdapterRegistry({ database, home }) };
}

/** The stores an operation was given, else the files of its home (the library's functions take either). */
export function storesOf(options: { home: string; stores?: FinetuneStores }): FinetuneStores {
  return options.stores ?? finetuneStoresFor(options.home);
}
