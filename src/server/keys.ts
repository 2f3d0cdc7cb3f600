import { writeFileAtomicSync } from '../io/atomic-file.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TailorError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';

export type Role = 'admin' | 'editor' | 'reader';
export const ROLES: readonly Role[] = ['admin', 'editor', 'reader'];

/** What a key may do. `collections: ['*']` grants every collection. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  collections: string[];
}

export interface StoredKey extends Principal {
  /** sha256 of the whole key; the key itself is never stored. */
  hash: string;
  /** The first characters, so people can tell their keys apart. */
  prefix: string;
  createdAt: string;
}

export type KeySummary = Omit<StoredKey, 'hash'>;

/**
 * Who asks. A key may only create, see and revoke keys whose grants lie within its
 * own (role no higher, collections a subset, "*" only when it holds "*"); without
 * `by` (the CLI, which runs as the home's owner) every key is in reach.
 */
export interface ActingKey {
  by?: Pick<Principal, 'role' | 'collections'>;
}

type Awaitable<T> = T | Promise<T>;

/**
 * Where keys live: `<home>/keys.json` for an embedded home (createKeyStore, synchronous), a table
 * every replica shares for a PostgreSQL home (createPostgresKeyStore, keys-postgres.ts). Callers
 * always `await`; test/key-store-contract.ts holds both to one contract.
 */
export interface KeyStore {
  /** Where the keys are, for messages (a file path, or the database and table). */
  readonly path: string;
  isEmpty(): Awaitable<boolean>;
  create(input: { name: string; role: Role; collections: string[] }, acting?: ActingKey): Awaitable<CreatedKey>;
  list(acting?: ActingKey): Awaitable<KeySummary[]>;
  revoke(id: string, acting?: ActingKey): Awaitable<void>;
  /** The principal for a presented key, or undefined. */
  verify(key: string): Awaitable<Principal | undefined>;
}

export interface CreatedKey {
  id: string;
  key: string;
  summary: KeySummary;
}

/** The file store answers at once; its methods return plain values. */
export interface FileKeyStore extends KeyStore {
  isEmpty(): boolean;
  create(input: { name: string; role: Role; collections: string[] }, acting?: ActingKey): CreatedKey;
  list(acting?: ActingKey): KeySummary[];
  revoke(id: string, acting?: ActingKey): void;
  verify(key: string): Principal | undefined;
}

/** Each role can do everything the roles below it can. */
export const ROLE_RANK: Record<Role, number> = { reader: 1, editor: 2, admin: 3 };

/** Whether every right of `inner` is also a right of `outer`. */
export function grantsWithin(inner: Pick<Principal, 'role' | 'collections'>, outer: Pick<Principal, 'role' | 'collections'>): boolean {
  if (ROLE_RANK[inner.role] > ROLE_RANK[outer.role]) return false;
  if (outer.collections.includes('*')) return true;
  return !inner.collections.includes('*') && inner.collections.every((name) => outer.collections.includes(name));
}

export const KEY_PREFIX = 'tlr_';
export const KEYS_FILE = 'keys.json';

/**
 * Keys in `<home>/keys.json`, written atomically (temp file + rename). The file
 * is re-read when its mtime changes, so `tailor keys create|revoke` in another
 * process takes effect on a running server without a restart.
 */
export function createKeyStore(home: string): FileKeyStore {
  const path = join(home, KEYS_FILE);
  let keys: StoredKey[] = [];
  let loadedMtime = -1;

  function refresh(): void {
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      keys = [];
      loadedMtime = -1;
      return;
    }
    if (mtime === loadedMtime) return;
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: StoredKey[] };
      keys = Array.isArray(parsed.keys) ? parsed.keys : [];
    } catch (cause) {
      throw new TailorError('STORE_CORRUPT', `${path} is not valid JSON: restore it or delete it and create keys again with \`tailor keys create\`.`, { cause });
    }
    loadedMtime = mtime;
  }

  function save(next: StoredKey[]): void {
    writeFileAtomicSync(path, JSON.stringify({ keys: next }, null, 2) + '\n', { mode: 0o600 });
    keys = next;
    loadedMtime = statSync(path).mtimeMs;
  }

  const inReach = ({ by }: ActingKey): StoredKey[] => (by ? keys.filter((k) => grantsWithin(k, by)) : keys);

  return {
    path,
    isEmpty() {
      refresh();
      return keys.length === 0;
    },
    create({ name, role, collections }, acting = {}) {
      refresh();
      const { key, stored } = newKey({ name, role, collections }, acting);
      save([...keys, stored]);
      return { id: stored.keyId, key, summary: summary(stored) };
    },
    list(acting = {}) {
      refresh();
      return inReach(acting).map(summary);
    },
    revoke(id, acting = {}) {
      refresh();
      // A key outside the caller's reach answers exactly like a missing one.
      if (!inReach(acting).some((k) => k.keyId === id)) throw keyNotFound(id);
      save(keys.filter((k) => k.keyId !== id));
    },
    verify(presented) {
      refresh();
      const hash = Buffer.from(sha256Hex(presented), 'hex');
      const found = keys.find((k) => timingSafeEqual(Buffer.from(k.hash, 'hex'), hash));
      return found && { keyId: found.keyId, name: found.name, role: found.role, collections: found.collections };
    },
  };
}

export const summary = ({ hash: _hash, ...rest }: StoredKey): KeySummary => rest;

/** Checks a new key's grants against the acting key's and makes the key (shown once) and its stored form. */
export function newKey({ name, role, collections }: { name: string; role: Role; collections: string[] }, acting: ActingKey = {}): { key: string; stored: StoredKey } {
  if (!ROLES.includes(role)) throw new TailorError('INVALID_ARGUMENT', `Unknown role "${role}": use admin, editor or reader.`);
  if (!name.trim()) throw new TailorError('INVALID_ARGUMENT', 'A key needs a name (who or what uses it).');
  if (collections.length === 0) throw new TailorError('INVALID_ARGUMENT', 'A key needs at least one collection, or "*" for all.');
  if (acting.by && !grantsWithin({ role, collections }, acting.by)) {
    throw new TailorError('FORBIDDEN', `A key can only create keys within its own grants (role ${acting.by.role}, collections ${acting.by.collections.join(', ')}); ask an admin for "*" to create this one.`, {
      details: { role, collections },
    });
  }
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const stored: StoredKey = {
    keyId: 'key_' + randomBytes(6).toString('hex'),
    name: name.trim(),
    role,
    collections: [...new Set(collections)],
    hash: sha256Hex(key),
    prefix: key.slice(0, KEY_PREFIX.length + 6),
    createdAt: new Date().toISOString(),
  };
  return { key, stored };
}

export const keyNotFound = (id: string) => new TailorError('NOT_FOUND', `No key has the id "${id}"; list them with \`tailor keys list\`.`);

/** The keys stored in `<home>/keys.json` with their hashes, for copying them to another store (`tailor store migrate`). */
export function readKeyFile(home: string): StoredKey[] {
  const path = join(home, KEYS_FILE);
  try {
    statSync(path);
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: StoredKey[] };
    return Array.isArray(parsed.keys) ? parsed.keys : [];
  } catch (cause) {
    throw new TailorError('STORE_CORRUPT', `${path} is not valid JSON: restore it or delete it and create keys again with \`tailor keys create\`.`, { cause });
  }
}

/** Adds stored keys (hash and all) to `<home>/keys.json`, skipping ids already there; returns how many were added. */
export function addToKeyFile(home: string, add: StoredKey[]): number {
  const keys = readKeyFile(home);
  const known = new Set(keys.map((k) => k.keyId));
  const fresh = add.filter((k) => !known.has(k.keyId));
  if (fresh.length > 0) writeFileAtomicSync(join(home, KEYS_FILE), JSON.stringify({ keys: [...keys, ...fresh] }, null, 2) + '\n', { mode: 0o600 });
  return fresh.length;
}
