import { describe } from 'node:test';
import { createSqliteStore } from '../src/index/sqlite-store.js';
import { tempDir } from './helpers/temp.js';
import { storeContract } from './store-contract.js';

describe('store contract: SQLite (embedded)', () => {
  storeContract({ open: async () => createSqliteStore({ home: await tempDir('tailor-contract-') }) });
});
