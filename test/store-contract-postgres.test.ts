import { after, before, describe } from 'node:test';
import { createPostgresStore } from '../src/index/postgres/index.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { storeContract } from './store-contract.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

describe('store contract: PostgreSQL (Debian cluster, no pgvector: exact vector scan)', () => {
  let server: TestServer;
  let schemas = 0;
  before(async () => {
    if (!skip) server = await startPostgresCluster();
  });
  after(() => server?.stop());
  storeContract({ skip, open: () => createPostgresStore({ connectionString: server.url, schema: `contract_${++schemas}`, maxConnections: 4 }) });
});
