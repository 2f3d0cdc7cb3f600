/**
 * Opening the SQLite file: pragmas, schema creation and the version check.
 *
 * WAL + synchronous=NORMAL: every commit survives a crash of the process (what
 * we test), and the database is never corrupted; on power loss or an OS crash
 * the last few commits before the failure may be lost (FULL would fsync every
 * commit and cost several times the write throughput).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { retainForProcessLife } from './sqlite-retain.js';
import picomatch from 'picomatch';
import { TailorError } from '../core/errors.js';
import { createPrivateFile, securePrivateHome } from '../io/private-home.js';

export type Db = Database.Database;

export const SCHEMA_VERSION = 1;
export const DATABASE_FILE = 'store.db';

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- AUTOINCREMENT: a document key is never reused, so a key always names the same
-- document (and collection), which query filters rely on.
CREATE TABLE IF NOT EXISTS documents (
  doc_key INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  collection TEXT NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  format TEXT NOT NULL,
  modified_at TEXT NOT NULL,
  modified_ms REAL,
  ingested_at TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  text TEXT NOT NULL,
  pages TEXT,
  signature TEXT,
  redactions TEXT,
  metadata TEXT
);
CREATE INDEX IF NOT EXISTS documents_collection_source ON documents(collection, source);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE INDEX IF NOT EXISTS documents_content_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_key INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc_key INTEGER NOT NULL REFERENCES documents(doc_key) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  end_offset INTEGER NOT NULL,
  heading_path TEXT NOT NULL,
  page INTEGER,
  token_count INTEGER NOT NULL,
  text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_key, ordinal);
CREATE INDEX IF NOT EXISTS chunks_text_hash ON chunks(text_hash);
CREATE TABLE IF NOT EXISTS vectors (
  chunk_key INTEGER PRIMARY KEY REFERENCES chunks(chunk_key) ON DELETE CASCADE,
  data BLOB NOT NULL
);
-- Chunk ids touched by each generation, so an in-memory index (or a snapshot)
-- at an older generation catches up without re-reading every chunk.
CREATE TABLE IF NOT EXISTS changes (generation INTEGER NOT NULL, chunk_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS changes_generation ON changes(generation);
`;

/** Opens (creating if needed) `<home>/store.db` and checks its schema version. */
export function openDatabase(home: string): Db {
  try {
    // The store holds the organisation's documents: its home is the owner's alone (0700, files 0600).
    securePrivateHome(home);
    createPrivateFile(path.join(home, DATABASE_FILE)); // SQLite gives its -wal and -shm files the database's mode
  } catch (error) {
    throw new TailorError('UNREADABLE_PATH', `Cannot create the store directory ${home}: ${(error as Error).message}`, {
      cause: error,
      details: { path: home },
    });
  }
  const file = path.join(home, DATABASE_FILE);
  let db: Db;
  try {
    db = retainForProcessLife(new Database(file));
  } catch (error) {
    throw toStoreError(error, file);
  }
  try {
    // exec, not pragma(): pragma() makes a throwaway Statement (see sqlite-retain.ts).
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    // Erased text must not survive in free pages: SQLite zeroes deleted content (docs/erasure.md).
    db.exec('PRAGMA secure_delete = ON');
    initialiseSchema(db, file);
    registerFunctions(db);
  } catch (error) {
    db.close();
    throw toStoreError(error, file);
  }
  return db;
}

function initialiseSchema(db: Db, file: string): void {
  db.transaction(() => {
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined;
    const stored = hasMeta ? readMeta(db, 'schema_version') : undefined;
    if (stored !== undefined && Number(stored) > SCHEMA_VERSION) {
      throw new TailorError(
        'STORE_CORRUPT',
        `The store at ${file} was written by a newer version of Tailor (schema ${stored}; this version reads up to ${SCHEMA_VERSION}). Upgrade Tailor to open it.`,
        { details: { path: file, schemaVersion: Number(stored), supported: SCHEMA_VERSION } },
      );
    }
    db.exec(SCHEMA_SQL);
    if (stored === undefined) {
      writeMeta(db, 'schema_version', String(SCHEMA_VERSION));
      writeMeta(db, 'generation', '0');
      writeMeta(db, 'store_id', randomUUID());
      writeMeta(db, 'changes_pruned_through', '0');
    }
  }).immediate();
}

/** `tailor_glob(pattern, source)` so source globs filter inside SQL. */
function registerFunctions(db: Db): void {
  const matchers = new Map<string, (value: string) => boolean>();
  db.function('tailor_glob', { deterministic: true }, (pattern: unknown, source: unknown) => {
    const key = String(pattern);
    let matcher = matchers.get(key);
    if (!matcher) {
      matcher = picomatch(key, { dot: true });
      if (matchers.size > 256) matchers.clear();
      matchers.set(key, matcher);
    }
    return matcher(String(source)) ? 1 : 0;
  });
}

export function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Maps SQLite failures onto the library's error codes. */
export function toStoreError(error: unknown, file: string): TailorError {
  if (error instanceof TailorError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TailorError('STORE_LOCKED', `The store at ${file} is busy (another process is writing). Try again when it finishes.`, {
      cause: error,
      details: { path: file, sqlite: code },
    });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new TailorError('STORE_CORRUPT', `The store at ${file} is damaged or not a Tailor store (${message}). Restore it from a backup or re-index into a new home.`, {
      cause: error,
      details: { path: file, sqlite: code },
    });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new TailorError('UNREADABLE_PATH', `Cannot open the store at ${file} for writing (${message}). Check the path and its permissions.`, {
      cause: error,
      details: { path: file, sqlite: code },
    });
  }
  return new TailorError('INTERNAL', `Store failure at ${file}: ${message}`, { cause: error, details: { path: file, sqlite: code } });
}
