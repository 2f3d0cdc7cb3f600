/** Tailor's library API: what `import … from 'tailor-rag'` gives. */
export * from './core/index.js';
export * from './providers/index.js';
export * from './index/index.js';
export * from './ingest/index.js';
export { chunkDocument, countTokens, type ChunkDraft, type ChunkOptions } from './chunking/index.js';
export * from './retrieval/index.js';
export * from './answer/index.js';
export * from './eval/index.js';
export * from './tailor.js';
export * from './workspace.js';
export { createServer, createKeyStore } from './server/index.js';
export { openHome, homeFromTailor, createHome, formatReceipt, type Home, type OpenHomeOptions, type ErasureReceipt } from './home/index.js';
export { createStoreFromSpec, migrateStore, migrateFinetune, type MigrateResult, type FinetuneCopyResult } from './home/index.js';
export { finetuneStoresFor, type FinetuneStores } from './finetune/stores.js';
export * from './advise/index.js';
