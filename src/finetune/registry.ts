import { subdirectories } from '../io/subdirectories.js';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import { TailorError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { assertName } from './names.js';

export interface AdapterErasure {
  at: string;
  documentIds: string[];
  /** Examples this adapter was trained on that came from the erased documents. */
  exampleIds: string[];
}

/** Everything needed to trace an adapter back to its base model, data and settings. */
export interface AdapterManifest {
  name: string;
  manifestVersion: 1;
  createdAt: string;
  backend: string;
  format: 'gguf-lora' | 'remote' | 'export';
  /** The adapter file (gguf-lora), the remote model id (remote), or the export folder. */
  path: string;
  /** Remote backends: the fine-tuned model's id. */
  modelId?: string;
  baseModel: {
    /** Path of a local GGUF, or a model id for remote/cluster backends. */
    ref: string;
    /** sha256 of the GGUF file, when the base is a local file. */
    sha256?: string;
  };
  dataset: {
    name?: string;
    file?: string;
    hash: string;
    /** Ids of the examples trained on (train and validation). */
    exampleIds: string[];
    /** Documents those examples came from: erasure follows these. */
    documentIds: string[];
  };
  hyperparameters: Record<string, unknown>;
  metrics: {
    trainLoss: number[];
    validationLoss: number[];
    steps: number;
    tokens: number;
    seconds: number;
    [key: string]: unknown;
  };
  /** Collections the training examples came from: a key sees the adapter only with a grant for each. */
  collections?: string[];
  /** Backend-specific facts (remote job id, export command, perplexity before/after…). */
  extra?: Record<string, unknown>;
  /** Set when a document it was trained on was erased: using it is refused unless explicitly allowed. */
  containsErasedData?: boolean;
  erasures?: AdapterErasure[];
}

export interface AdapterRegistry {
  readonly dir: string;
  /** Where an adapter's files go (its manifest sits beside them). */
  adapterDir(name: string): string;
  list(): Promise<AdapterManifest[]>;
  get(name: string): Promise<AdapterManifest>;
  find(name: string): Promise<AdapterManifest | undefined>;
  put(manifest: AdapterManifest): Promise<void>;
  /** Removes the manifest and the adapter's folder. */
  delete(name: string): Promise<boolean>;
}

/** Adapters live in `<home>/adapters/<name>/` with a `manifest.json` written atomically. */
export function createAdapterRegistry(home: string): AdapterRegistry {
  const dir = join(home, 'adapters');
  const adapterDir = (name: string) => join(dir, assertName(name, 'adapter'));
  const manifestPath = (name: string) => join(adapterDir(name), 'manifest.json');

  async function find(name: string): Promise<AdapterManifest | undefined> {
    let text: string;
    try {
      text = await readFile(manifestPath(name), 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as AdapterManifest;
    } catch (cause) {
      throw new TailorError('STORE_CORRUPT', `The manifest of adapter "${name}" (${manifestPath(name)}) is not valid JSON.`, { cause });
    }
  }

  return {
    dir,
    adapterDir,
    async list() {
      const names = await subdirectories(dir);
      const manifests = await Promise.all(names.map((n) => find(n).catch(() => undefined)));
      return manifests.filter((m): m is AdapterManifest => m !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    },
    find,
    async get(name) {
      const manifest = await find(name);
      if (!manifest) throw new TailorError('NOT_FOUND', `There is no adapter "${name}". List them with \`tailor adapters list\`.`, { details: { adapter: name } });
      return manifest;
    },
    async put(manifest) {
      await mkdir(adapterDir(manifest.name), { recursive: true });
      await writeFileAtomic(manifestPath(manifest.name), JSON.stringify(manifest, null, 2) + '\n');
    },
    async delete(name) {
      const existed = (await find(name)) !== undefined;
      await rm(adapterDir(name), { recursive: true, force: true });
      return existed;
    },
  };
}

/** The files an adapter is used with, as its manifest records them: the LoRA file and the training curve. */
export function adapterFilePaths(manifest: AdapterManifest): string[] {
  return [manifest.format === 'gguf-lora' ? manifest.path : undefined, manifest.extra?.chartPath].filter((p): p is string => typeof p === 'string');
}

/** The manifest with those two paths passed through `to` (a copy elsewhere, another replica's folder). */
export function withAdapterFilePaths(manifest: AdapterManifest, to: (path: string) => string): AdapterManifest {
  const chartPath = manifest.extra?.chartPath;
  return {
    ...manifest,
    path: manifest.format === 'gguf-lora' ? to(manifest.path) : manifest.path,
    ...(manifest.extra ? { extra: { ...manifest.extra, ...(typeof chartPath === 'string' ? { chartPath: to(chartPath) } : {}) } } : {}),
  };
}

/** `path` relative to `dir` when it lies inside it, else undefined. */
export function insideDir(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel;
}

/**
 * The adapter's manifest, refused when it contains erased data unless `allowErased` — the check
 * every place that loads an adapter for use (`ask --adapter`, serving) must make.
 */
export async function resolveAdapterForUse(registry: AdapterRegistry | string, name: string, options: { allowErased?: boolean } = {}): Promise<AdapterManifest> {
  const manifest = await (typeof registry === 'string' ? createAdapterRegistry(registry) : registry).get(name);
  assertAdapterUsable(manifest, options);
  return manifest;
}

export function assertAdapterUsable(manifest: AdapterManifest, options: { allowErased?: boolean } = {}): void {
  if (manifest.containsErasedData && !options.allowErased) {
    const documents = (manifest.erasures ?? []).reduce((n, e) => n + e.documentIds.length, 0);
    throw new TailorError(
      'FORBIDDEN',
      `Adapter "${manifest.name}" was trained on data from ${documents} erased document(s), so it is refused for use. Retrain it on the cleaned dataset (\`tailor adapters show ${manifest.name}\` prints the command), or allow it explicitly (--allow-erased).`,
      { details: { adapter: manifest.name, erasures: manifest.erasures ?? [] } },
    );
  }
}

/** sha256 of a file, streamed (base models are gigabytes). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
