import { after, before, describe } from 'node:test';
import pg from 'pg';
import { createPostgresKeyStore } from '../src/server/keys-postgres.js';
import { postgresSkipReason, startPostgresCluster, type TestServer } from './helpers/postgres.js';
import { keyStoreContract } from './key-store-contract.js';

const skip = postgresSkipReason() ?? undefined;
if (skip) console.log(`# skipped: ${skip}`);

describe('key store contract: PostgreSQL table (Debian cluster)', () => {
  let server: TestServer;
  let schemas = 0;
  const pools: pg.Pool[] = [];
  before(async () => {
    if (!skip) server = await startPostgresCluster();
  });
  after(async () => {
    for (const pool of pools) await pool.end();
    await server?.stop();
  });
  keyStoreContract({
    skip,
    backing: async () => {
      const schema = `keys_${++schemas}`;
      return {
        // Each open is its own pool, as two replicas would have.
        open: () => {
          const pool = new pg.Pool({ connectionString: server.url, max: 2 });
          pools.push(pool);
          return createPostgresKeyStore({ database: { pool, schema } });
        },
        close: async () => undefined,
      };
    },
  });
});
