import { after, before, describe } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../src/index/postgres/index.js';
import { startPglite, type TestServer } from './helpers/postgres.js';
import { storeContract } from './store-contract.js';

// PGlite runs one session behind its socket server: one pooled connection for every store, kept open
// (a fresh connection right after another closed is refused by the server).
describe('store contract: PostgreSQL wire protocol on PGlite with pgvector', () => {
  let server: TestServer;
  let pool: pg.Pool;
  let schemas = 0;
  before(async () => {
    server = await startPglite();
    pool = new pg.Pool({ connectionString: server.url, max: 1 });
  });
  after(async () => {
    await pool?.end();
    await server?.stop();
  });
  storeContract({ open: () => createPostgresStore({ pool, schema: `contract_${++schemas}` }) });
});
