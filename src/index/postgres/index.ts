export { createPostgresStore, PostgresStore, parsePostgresSpec, redactPostgresUrl, type PostgresStoreOptions } from './store.js';
