export * from './store.js';
export { analyze, fieldText, ENGLISH_STOP_WORDS, ANALYZER_VERSION } from './analyzer.js';
export { createBm25Index, Bm25Index, DEFAULT_BM25_PARAMS, type Bm25Params, type Bm25Entry, type Bm25Hit } from './bm25.js';
export { createVectorIndex, VectorIndex, type VectorHit } from './vectors.js';
export { createSqliteStore, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { createPostgresStore, PostgresStore, parsePostgresSpec, redactPostgresUrl, type PostgresStoreOptions } from './postgres/index.js';
export { HnswVectorIndex, type HnswOptions, type VectorSearchIndex } from './hnsw.js';
