/**
 * The adapter registry of a PostgreSQL home: manifests (lineage and erasure flags included) and the
 * files needed to use an adapter (the LoRA file, its training curve) in the store's schema, so an
 * adapter trained through one replica is listed, served and flagged by an erasure through any
 * other. Each replica keeps a copy of the files under `<home>/adapters/<name>/`, fetched when an
 * adapter is first resolved there and refetched when the stored file's hash changes.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type pg from 'pg';
import { TailorError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import type { SharedDatabase } from '../index/store.js';
import { inTransaction, tablesOnFirstUse } from '../index/postgres/locked-ddl.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { assertName } from './names.js';
import { adapterFilePaths, insideDir, withAdapterFilePaths, type AdapterManifest, type AdapterRegistry } from './registry.js';

interface FileRow {
  file: string;
  sha256: string;
}

export function createPostgresAdapterRegistry(options: { database: SharedDatabase; home: string }): AdapterRegistry {
  const { pool, schema } = options.database;
  const adapters = `"${schema}"."adapters"`;
  const files = `"${schema}"."adapter_files"`;
  const dir = join(options.home, 'adapters');
  const adapterDir = (name: string) => join(dir, assertName(name, 'adapter'));
  const run = tablesOnFirstUse(pool, schema, `tailor-adapters:${schema}`, `CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE IF NOT EXISTS ${adapters} (name TEXT PRIMARY KEY, created_at TEXT NOT NULL, manifest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${files} (
  name TEXT NOT NULL REFERENCES ${adapters} (name) ON DELETE CASCADE,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (name, file)
);`);
  const parse = (name: string, text: string): AdapterManifest => {
    try {
      return JSON.parse(text) as AdapterManifest;
    } catch (cause) {
      throw new TailorError('STORE_CORRUPT', `The manifest of adapter "${name}" (table ${schema}.adapters) is not valid JSON.`, { cause });
    }
  };

  /** Writes the stored files this replica lacks (or holds in another version) into the adapter's folder; returns their names. */
  async function fetchFiles(name: string): Promise<string[]> {
    const { rows } = await pool.query<FileRow>(`SELECT file, sha256 FROM ${files} WHERE name = $1`, [name]);
    for (const row of rows) {
      const local = join(adapterDir(name), row.file);
      const present = await readFile(local).then((b) => sha256Hex(b), () => undefined);
      if (present === row.sha256) continue;
      const { rows: [stored] } = await pool.query<{ bytes: Buffer }>(`SELECT bytes FROM ${files} WHERE name = $1 AND file = $2`, [name, row.file]);
      if (!stored) continue; // deleted meanwhile
      await mkdir(dirname(local), { recursive: true });
      await writeFileAtomic(local, stored.bytes);
    }
    return rows.map((row) => row.file);
  }

  /** The manifest's own files inside the adapter's folder, as paths relative to it. */
  const ownFiles = (manifest: AdapterManifest): string[] =>
    adapterFilePaths(manifest).map((p) => insideDir(adapterDir(manifest.name), p)).filter((r): r is string => r !== undefined);

  /** Paths in the stored manifest are this replica's: the same files under its own home. */
  const localised = (manifest: AdapterManifest, stored: string[]): AdapterManifest =>
    withAdapterFilePaths(manifest, (p) => {
      const file = stored.find((f) => p === f || p.endsWith(sep + f) || p.endsWith(`/${f}`));
      return file ? join(adapterDir(manifest.name), file) : p;
    });

  async function find(name: string): Promise<AdapterManifest | undefined> {
    return run(async () => {
      const { rows } = await pool.query<{ manifest: string }>(`SELECT manifest FROM ${adapters} WHERE name = $1`, [assertName(name, 'adapter')]);
      if (!rows[0]) return undefined;
      return localised(parse(name, rows[0].manifest), await fetchFiles(name));
    });
  }

  async function upload(client: pg.PoolClient, manifest: AdapterManifest): Promise<void> {
    const { rows } = await client.query<FileRow>(`SELECT file, sha256 FROM ${files} WHERE name = $1`, [manifest.name]);
    const known = new Map(rows.map((r) => [r.file, r.sha256]));
    for (const file of ownFiles(manifest)) {
      // A replica that flags an adapter trained elsewhere may not hold its files: the stored ones stay.
      const bytes = await readFile(join(adapterDir(manifest.name), file)).catch(() => undefined);
      if (!bytes) continue;
      const hash = sha256Hex(bytes);
      if (known.get(file) === hash) continue;
      await client.query(`INSERT INTO ${files} (name, file, sha256, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (name, file) DO UPDATE SET sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes`, [
        manifest.name, file, hash, bytes,
      ]);
    }
  }

  return {
    dir,
    adapterDir,
    list: () => run(async () => {
      const { rows } = await pool.query<{ name: string; manifest: string }>(`SELECT name, manifest FROM ${adapters} ORDER BY created_at, name`);
      return rows.map((r) => parse(r.name, r.manifest));
    }),
    find,
    async get(name) {
      const manifest = await find(name);
      if (!manifest) throw new TailorError('NOT_FOUND', `There is no adapter "${name}". List them with \`tailor adapters list\`.`, { details: { adapter: name } });
      return manifest;
    },
    put: (manifest) => run(async () => {
      assertName(manifest.name, 'adapter');
      await inTransaction(pool, async (client) => {
        // Erasure flags only accumulate: two replicas flagging one adapter at once both keep their entry.
        const { rows: [previous] } = await client.query<{ manifest: string }>(`SELECT manifest FROM ${adapters} WHERE name = $1 FOR UPDATE`, [manifest.name]);
        const merged = previous ? withErasuresOf(parse(manifest.name, previous.manifest), manifest) : manifest;
        await client.query(`INSERT INTO ${adapters} (name, created_at, manifest) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET manifest = EXCLUDED.manifest`, [
          merged.name, merged.createdAt, JSON.stringify(merged),
        ]);
        await upload(client, manifest);
      });
    }),
    delete: (name) => run(async () => {
      const deleted = await pool.query(`DELETE FROM ${adapters} WHERE name = $1`, [assertName(name, 'adapter')]);
      await rm(adapterDir(name), { recursive: true, force: true });
      return (deleted.rowCount ?? 0) > 0;
    }),
  };
}

/** `next`, keeping every erasure `stored` recorded (a concurrent flag this write did not read). */
function withErasuresOf(stored: AdapterManifest, next: AdapterManifest): AdapterManifest {
  if (stored.createdAt !== next.createdAt || !stored.containsErasedData) return next;
  const key = (e: NonNullable<AdapterManifest['erasures']>[number]) => JSON.stringify([e.at, e.documentIds, e.exampleIds]);
  const seen = new Set((next.erasures ?? []).map(key));
  const missing = (stored.erasures ?? []).filter((e) => !seen.has(key(e)));
  const erasures = [...(next.erasures ?? []), ...missing].sort((a, b) => a.at.localeCompare(b.at));
  return { ...next, containsErasedData: true, ...(erasures.length > 0 ? { erasures } : {}) };
}
