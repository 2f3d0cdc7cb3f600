/**
 * API keys of a PostgreSQL home: one table beside the store's, shared by every replica
 * (decision 0054). Every check reads the table — nothing is cached in the process — so a key
 * created or revoked through any replica (or `tailor keys`) holds on every replica at once,
 * at the cost of one indexed lookup per authenticated request.
 */
import type pg from 'pg';
import { TailorError } from '../core/errors.js';
import type { SharedDatabase } from '../index/store.js';
import { redactPostgresUrl } from '../index/postgres/index.js';
import { runLockedDdl, tablesOnFirstUse } from '../index/postgres/locked-ddl.js';
import { grantsWithin, keyNotFound, newKey, summary, type ActingKey, type KeyStore, type KeySummary, type Principal, type Role, type StoredKey } from './keys.js';

interface KeyRow {
  key_id: string;
  name: string;
  role: Role;
  collections: string[];
  hash: string;
  prefix: string;
  created_at: string;
}

const fromRow = (row: KeyRow): StoredKey => ({
  keyId: row.key_id, name: row.name, role: row.role, collections: row.collections, hash: row.hash, prefix: row.prefix, createdAt: row.created_at,
});

export function createPostgresKeyStore(options: { database: SharedDatabase; /** For messages: the store URL (its password is hidden). */ describe?: string }): KeyStore {
  const { pool, schema } = options.database;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new TailorError('INVALID_ARGUMENT', `The Postgres schema name "${schema}" is not allowed: use lowercase letters, digits and _.`);
  const table = `"${schema}"."api_keys"`;
  // A database that cannot be reached answers STORE_UNAVAILABLE (503), never a bare driver error.
  const run = tablesOnFirstUse(pool, schema, `tailor-keys:${schema}`, keyTableDdl(schema, table));
  const query = <R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => run(() => pool.query<R>(sql, values));
  const all = async (): Promise<StoredKey[]> => (await query<KeyRow>(`SELECT * FROM ${table} ORDER BY created_at, key_id`)).rows.map(fromRow);
  const inReach = (keys: StoredKey[], { by }: ActingKey) => (by ? keys.filter((k) => grantsWithin(k, by)) : keys);

  return {
    path: `table ${schema}.api_keys${options.describe ? ` of ${redactPostgresUrl(options.describe)}` : ''}`,
    async isEmpty() {
      const { rows } = await query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
      return !rows[0]!.any;
    },
    async create(input, acting = {}) {
      const { key, stored } = newKey(input, acting);
      await query(`INSERT INTO ${table} (key_id, name, role, collections, hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        stored.keyId, stored.name, stored.role, stored.collections, stored.hash, stored.prefix, stored.createdAt,
      ]);
      return { id: stored.keyId, key, summary: summary(stored) };
    },
    async list(acting = {}): Promise<KeySummary[]> {
      return inReach(await all(), acting).map(summary);
    },
    async revoke(id, acting = {}) {
      const { rows } = await query<KeyRow>(`SELECT * FROM ${table} WHERE key_id = $1`, [id]);
      // A key outside the caller's reach answers exactly like a missing one.
      if (rows.length === 0 || inReach(rows.map(fromRow), acting).length === 0) throw keyNotFound(id);
      const deleted = await query(`DELETE FROM ${table} WHERE key_id = $1`, [id]);
      if (deleted.rowCount === 0) throw keyNotFound(id); // revoked meanwhile through another replica
    },
    async verify(presented): Promise<Principal | undefined> {
      // The stored hash is of a 256-bit random key: an indexed equality lookup reveals nothing useful by its timing.
      const { rows } = await query<KeyRow>(`SELECT * FROM ${table} WHERE hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [presented]);
      const found = rows[0];
      return found && { keyId: found.key_id, name: found.name, role: found.role, collections: found.collections };
    },
  };
}

function keyTableDdl(schema: string, table: string): string {
  return `CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE IF NOT EXISTS ${table} (
  key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reader')),
  collections TEXT[] NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL
);`;
}

const ensureTable = (pool: pg.Pool, schema: string, table: string) => runLockedDdl(pool, `tailor-keys:${schema}`, keyTableDdl(schema, table));

/** Every stored key with its hash, for copying them to another store (`tailor store migrate`). */
export async function readKeyTable(database: SharedDatabase): Promise<StoredKey[]> {
  const table = `"${database.schema}"."api_keys"`;
  await ensureTable(database.pool, database.schema, table);
  return (await database.pool.query<KeyRow>(`SELECT * FROM ${table} ORDER BY created_at, key_id`)).rows.map(fromRow);
}

/** Adds stored keys (hash and all) to the table, skipping ids already there; returns how many were added. */
export async function addToKeyTable(database: SharedDatabase, keys: StoredKey[]): Promise<number> {
  const table = `"${database.schema}"."api_keys"`;
  await ensureTable(database.pool, database.schema, table);
  let added = 0;
  for (const k of keys) {
    const result = await database.pool.query(
      `INSERT INTO ${table} (key_id, name, role, collections, hash, prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [k.keyId, k.name, k.role, k.collections, k.hash, k.prefix, k.createdAt]);
    added += result.rowCount ?? 0;
  }
  return added;
}
