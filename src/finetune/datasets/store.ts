import { subdirectories } from '../../io/subdirectories.js';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../core/hash.js';
import { TailorError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { assertName } from '../names.js';
import type { DatasetExample, ExampleKind, SplitName } from '../types.js';

export interface DatasetSource {
  kind: ExampleKind;
  /** An input file or a collection. */
  from: string;
  examples: number;
}

export interface DatasetHistoryEntry {
  at: string;
  operation: 'import' | 'build' | 'split' | 'erase' | 'replace';
  details: Record<string, unknown>;
}

export interface DatasetManifest {
  name: string;
  manifestVersion: 1;
  createdAt: string;
  updatedAt: string;
  /** The examples file (content-addressed, so the manifest only ever points at a complete file). */
  examplesFile: string;
  /** sha256 of the examples file: adapters record it. */
  hash: string;
  count: number;
  splits: Record<SplitName | 'unassigned', number>;
  documents: number;
  sources: DatasetSource[];
  history: DatasetHistoryEntry[];
}

export interface StoredDataset {
  manifest: DatasetManifest;
  examples: DatasetExample[];
}

export interface DatasetStore {
  readonly dir: string;
  list(): Promise<DatasetManifest[]>;
  exists(name: string): Promise<boolean>;
  load(name: string): Promise<StoredDataset>;
  /**
   * Replaces the dataset's examples atomically; history grows by `entry`. With `ifHash` (the hash
   * the caller loaded), a dataset changed meanwhile is refused with CONFLICT, not overwritten.
   */
  save(name: string, examples: DatasetExample[], entry: Omit<DatasetHistoryEntry, 'at'>, options?: SaveOptions): Promise<DatasetManifest>;
  /** Stores a dataset exactly as given, manifest and history included (`tailor store migrate`); the hash is checked. */
  restore(stored: StoredDataset): Promise<void>;
  delete(name: string): Promise<boolean>;
}

export interface SaveOptions {
  ifHash?: string;
}

export function assertUnchanged(name: string, current: DatasetManifest | undefined, options: SaveOptions | undefined): void {
  if (options?.ifHash === undefined || current?.hash === options.ifHash) return;
  throw new TailorError('CONFLICT', `Dataset "${name}" changed while this edit was being made (another process or replica saved it); nothing was written. Run the command again.`, {
    details: { dataset: name },
  });
}

/** The examples as stored: one JSON line each. */
export function examplesText(examples: DatasetExample[]): string {
  return examples.map((e) => JSON.stringify(e)).join('\n') + (examples.length > 0 ? '\n' : '');
}

export function parseExamplesText(text: string): DatasetExample[] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as DatasetExample);
}

/** The manifest after a save: counts recomputed, history grown by `entry`. */
export function nextManifest(name: string, previous: DatasetManifest | undefined, examples: DatasetExample[], text: string, entry: Omit<DatasetHistoryEntry, 'at'>): DatasetManifest {
  const hash = sha256Hex(text);
  const now = new Date().toISOString();
  return {
    name,
    manifestVersion: 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    examplesFile: `examples.${hash.slice(0, 16)}.jsonl`,
    hash,
    count: examples.length,
    splits: countSplits(examples),
    documents: new Set(examples.flatMap((e) => e.provenance.documentIds)).size,
    sources: summariseSources(examples),
    history: [...(previous?.history ?? []), { at: now, ...entry }],
  };
}

/** Refuses a restored dataset whose examples do not hash to its manifest's hash. */
export function assertRestorable(stored: StoredDataset): string {
  const text = examplesText(stored.examples);
  if (sha256Hex(text) !== stored.manifest.hash) {
    throw new TailorError('STORE_CORRUPT', `Dataset "${stored.manifest.name}" does not match its manifest hash, so it is not copied: rebuild it in the source home first.`);
  }
  return text;
}

/** Datasets live in `<home>/datasets/<name>/`: a manifest plus one JSONL examples file. */
export function createDatasetStore(home: string): DatasetStore {
  const dir = join(home, 'datasets');
  const datasetDir = (name: string) => join(dir, assertName(name, 'dataset'));

  async function readManifest(name: string): Promise<DatasetManifest | undefined> {
    let text: string;
    try {
      text = await readFile(join(datasetDir(name), 'manifest.json'), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as DatasetManifest;
    } catch (cause) {
      throw new TailorError('STORE_CORRUPT', `The manifest of dataset "${name}" (${join(datasetDir(name), 'manifest.json')}) is not valid JSON. Delete the dataset and import it again.`, { cause });
    }
  }

  async function writeDataset(manifest: DatasetManifest, text: string): Promise<void> {
    const target = datasetDir(manifest.name);
    await mkdir(target, { recursive: true });
    await writeFileAtomic(join(target, manifest.examplesFile), text);
    await writeFileAtomic(join(target, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // Only after the manifest points at the new file may older ones go.
    for (const file of await readdir(target)) {
      if (file !== manifest.examplesFile && /^examples\.[0-9a-f]+\.jsonl$/.test(file)) await rm(join(target, file), { force: true });
    }
  }

  return {
    dir,
    async list() {
      const names = await subdirectories(dir);
      const manifests = await Promise.all(names.map((n) => readManifest(n).catch(() => undefined)));
      return manifests.filter((m): m is DatasetManifest => m !== undefined);
    },
    async exists(name) {
      return (await readManifest(name)) !== undefined;
    },
    async load(name) {
      const manifest = await readManifest(name);
      if (!manifest) {
        throw new TailorError('NOT_FOUND', `There is no dataset "${name}". List them with \`tailor dataset list\`, or import one with \`tailor dataset import\`.`, { details: { dataset: name } });
      }
      const path = join(datasetDir(name), manifest.examplesFile);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (cause) {
        throw new TailorError('STORE_CORRUPT', `The examples file of dataset "${name}" (${path}) is missing. Delete the dataset and rebuild it.`, { cause });
      }
      if (sha256Hex(text) !== manifest.hash) {
        throw new TailorError('STORE_CORRUPT', `The examples file of dataset "${name}" (${path}) does not match its manifest hash: it was edited or damaged. Delete the dataset and rebuild it.`);
      }
      return { manifest, examples: parseExamplesText(text) };
    },
    async save(name, examples, entry, options) {
      const text = examplesText(examples);
      const previous = await readManifest(name);
      assertUnchanged(name, previous, options);
      const manifest = nextManifest(name, previous, examples, text, entry);
      await writeDataset(manifest, text);
      return manifest;
    },
    async restore(stored) {
      await writeDataset(stored.manifest, assertRestorable(stored));
    },
    async delete(name) {
      const existed = (await readManifest(name)) !== undefined;
      await rm(datasetDir(name), { recursive: true, force: true });
      return existed;
    },
  };
}

function countSplits(examples: DatasetExample[]): DatasetManifest['splits'] {
  const splits = { train: 0, validation: 0, test: 0, unassigned: 0 };
  for (const e of examples) splits[e.split ?? 'unassigned']++;
  return splits;
}

function summariseSources(examples: DatasetExample[]): DatasetSource[] {
  const byKey = new Map<string, DatasetSource>();
  for (const e of examples) {
    const from = e.provenance.collection ? `collection:${e.provenance.collection}` : (e.provenance.origin ?? 'unknown').replace(/:\d+$/, '');
    const key = `${e.provenance.kind}\u0000${from}`;
    const source = byKey.get(key) ?? { kind: e.provenance.kind, from, examples: 0 };
    source.examples++;
    byKey.set(key, source);
  }
  return [...byKey.values()];
}
