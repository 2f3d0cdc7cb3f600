/**
 * Datasets of a PostgreSQL home: one row each (manifest and JSONL examples) in the store's schema,
 * so every replica builds on, trains from and erases the same datasets (docs/replicas.md). A save
 * locks the dataset's row, so two replicas editing one dataset (an erasure and a split) never
 * lose each other's change or history entry.
 */
import type pg from 'pg';
import { TailorError } from '../../core/errors.js';
import type { SharedDatabase } from '../../index/store.js';
import { inTransaction, tablesOnFirstUse } from '../../index/postgres/locked-ddl.js';
import { assertName } from '../names.js';
import { assertRestorable, assertUnchanged, examplesText, nextManifest, parseExamplesText, type DatasetManifest, type DatasetStore } from './store.js';
import { sha256Hex } from '../../core/hash.js';

export function createPostgresDatasetStore(database: SharedDatabase): DatasetStore {
  const { pool, schema } = database;
  const table = `"${schema}"."datasets"`;
  const run = tablesOnFirstUse(pool, schema, `tailor-datasets:${schema}`, `CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, manifest TEXT NOT NULL, examples TEXT NOT NULL);`);
  const parse = (name: string, text: string): DatasetManifest => {
    try {
      return JSON.parse(text) as DatasetManifest;
    } catch (cause) {
      throw new TailorError('STORE_CORRUPT', `The manifest of dataset "${name}" (table ${schema}.datasets) is not valid JSON. Delete the dataset and import it again.`, { cause });
    }
  };
  const manifestOf = async (name: string) => {
    const { rows } = await pool.query<{ manifest: string }>(`SELECT manifest FROM ${table} WHERE name = $1`, [assertName(name, 'dataset')]);
    return rows[0] ? parse(name, rows[0].manifest) : undefined;
  };
  /** Runs `write` in a transaction holding the dataset's row (or its name, before it exists). */
  const locked = (name: string, write: (client: pg.PoolClient, previous: DatasetManifest | undefined) => Promise<void>) =>
    inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tailor-dataset:${schema}:${name}`]);
      const { rows } = await client.query<{ manifest: string }>(`SELECT manifest FROM ${table} WHERE name = $1 FOR UPDATE`, [name]);
      await write(client, rows[0] ? parse(name, rows[0].manifest) : undefined);
    });
  const upsert = (client: pg.PoolClient, manifest: DatasetManifest, text: string) =>
    client.query(`INSERT INTO ${table} (name, manifest, examples) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest, examples = EXCLUDED.examples`, [
      manifest.name, JSON.stringify(manifest), text,
    ]);

  return {
    dir: `table ${schema}.datasets`,
    list: () => run(async () => {
      const { rows } = await pool.query<{ name: string; manifest: string }>(`SELECT name, manifest FROM ${table} ORDER BY name`);
      return rows.map((r) => parse(r.name, r.manifest));
    }),
    exists: (name) => run(async () => (await manifestOf(name)) !== undefined),
    load: (name) => run(async () => {
      const { rows } = await pool.query<{ manifest: string; examples: string }>(`SELECT manifest, examples FROM ${table} WHERE name = $1`, [assertName(name, 'dataset')]);
      const row = rows[0];
      if (!row) throw new TailorError('NOT_FOUND', `There is no dataset "${name}". List them with \`tailor dataset list\`, or import one with \`tailor dataset import\`.`, { details: { dataset: name } });
      const manifest = parse(name, row.manifest);
      if (sha256Hex(row.examples) !== manifest.hash) {
        throw new TailorError('STORE_CORRUPT', `The examples of dataset "${name}" (table ${schema}.datasets) do not match its manifest hash: they were edited in the database. Delete the dataset and rebuild it.`);
      }
      return { manifest, examples: parseExamplesText(row.examples) };
    }),
    save: (name, examples, entry, options) => run(async () => {
      assertName(name, 'dataset');
      const text = examplesText(examples);
      let saved!: DatasetManifest;
      await locked(name, async (client, previous) => {
        assertUnchanged(name, previous, options);
        saved = nextManifest(name, previous, examples, text, entry);
        await upsert(client, saved, text);
      });
      return saved;
    }),
    restore: (stored) => run(async () => {
      const text = assertRestorable(stored);
      await locked(assertName(stored.manifest.name, 'dataset'), (client) => upsert(client, stored.manifest, text).then(() => undefined));
    }),
    delete: (name) => run(async () => ((await pool.query(`DELETE FROM ${table} WHERE name = $1`, [assertName(name, 'dataset')])).rowCount ?? 0) > 0),
  };
}
