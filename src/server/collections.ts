import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomicSync } from '../io/atomic-file.js';
import { join } from 'node:path';
import { TailorError } from '../core/errors.js';
import type { CollectionStats, Store } from '../index/store.js';
import type { FileOutcome } from '../ingest/report.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Collection names end up in paths (uploads/<name>/), so they are kept to a safe alphabet. */
export function assertCollectionName(name: string): void {
  if (!NAME.test(name) || name.includes('..')) {
    throw new TailorError('INVALID_ARGUMENT', `"${name}" is not a valid collection name: use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
  }
}

/**
 * Which collections exist: those with documents in the store, plus those created
 * (or uploaded to) through the server, which have a folder under <home>/uploads
 * even while still empty. Also remembers the last failed/duplicate outcome per
 * uploaded source so document lists can show why a file is missing — kept in
 * uploads/<name>/.upload-problems.json, so a restart does not forget them.
 */
export interface CollectionCatalog {
  uploadsDir(name: string): string;
  /** Cached for a moment; writes made through the server invalidate it at once. */
  list(): Promise<CollectionStats[]>;
  invalidate(): void;
  create(name: string): void;
  remove(name: string): void;
  recordOutcomes(collection: string, files: FileOutcome[]): void;
  problems(collection: string): FileOutcome[];
}

/** Hidden, so the folder walker never ingests it. */
const PROBLEMS_FILE = '.upload-problems.json';

/** How long a collection listing is reused: doStats counts every chunk, too costly per request. */
const LIST_TTL_MS = 2000;

export function createCollectionCatalog(home: string, store: Store): CollectionCatalog {
  const root = join(home, 'uploads');
  const problems = new Map<string, Map<string, FileOutcome>>();
  let cached: { at: number; list: Promise<CollectionStats[]> } | undefined;
  const invalidate = () => (cached = undefined);
  return {
    uploadsDir(name) {
      assertCollectionName(name);
      return join(root, name);
    },
    list() {
      if (!cached || performance.now() - cached.at > LIST_TTL_MS) {
        const list = listNow();
        cached = { at: performance.now(), list };
        list.catch(invalidate);
      }
      return cached.list;
    },
    invalidate,
    create(name) {
      mkdirSync(this.uploadsDir(name), { recursive: true, mode: 0o700 });
      invalidate();
    },
    remove(name) {
      rmSync(this.uploadsDir(name), { recursive: true, force: true });
      problems.delete(name);
      invalidate();
    },
    recordOutcomes(collection, files) {
      invalidate();
      const map = load(collection);
      for (const file of files) {
        if (file.status === 'failed' || file.status === 'duplicate') map.set(file.source, file);
        else map.delete(file.source);
      }
      save(collection, map);
    },
    problems: (collection) => [...load(collection).values()],
  };

  function problemsFile(collection: string): string {
    assertCollectionName(collection);
    return join(root, collection, PROBLEMS_FILE);
  }

  function load(collection: string): Map<string, FileOutcome> {
    let map = problems.get(collection);
    if (!map) {
      map = new Map();
      try {
        for (const file of JSON.parse(readFileSync(problemsFile(collection), 'utf8')) as FileOutcome[]) map.set(file.source, file);
      } catch {
        // None recorded yet (or unreadable): the list only explains missing files, so start empty.
      }
      problems.set(collection, map);
    }
    return map;
  }

  function save(collection: string, map: Map<string, FileOutcome>): void {
    writeFileAtomicSync(problemsFile(collection), JSON.stringify([...map.values()]));
  }

  async function listNow(): Promise<CollectionStats[]> {
    const stats = await store.doStats();
    const byName = new Map(stats.collections.map((c) => [c.name, c]));
    for (const name of folders(root)) if (!byName.has(name)) byName.set(name, { name, documents: 0, chunks: 0 });
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

function folders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name);
  } catch {
    return [];
  }
}
