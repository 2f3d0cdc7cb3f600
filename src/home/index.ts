export { openHome, homeFromTailor, type OpenHomeOptions } from './open-home.js';
export { createHome, type Home, type HomeParts } from './home.js';
export { formatReceipt, mergeReceipts, type ErasureReceipt } from './receipt.js';
export type { ErasedContent } from './erased.js';
export { createTraceLog, type TraceLog, type TraceRecord } from './traces.js';
export { createErasingStore, type ErasingStore } from './erasing-store.js';
export { createStoreFromSpec, resolveStoreSpec, isPostgresSpec } from './store-spec.js';
export { migrateStore, type MigrateOptions, type MigrateResult } from './migrate.js';
export { migrateFinetune, type FinetuneCopyResult } from './migrate-finetune.js';
