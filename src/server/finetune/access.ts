import { readdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { DatasetManifest } from '../../finetune/datasets/store.js';
import type { AdapterManifest } from '../../finetune/registry.js';
import { grants, requireRole, seesAll } from '../auth.js';
import type { Principal } from '../keys.js';

/**
 * The collections a dataset was made from. An example from no collection (a file the CLI
 * imported) counts as "*": such a dataset is visible only to keys that see everything.
 */
export function datasetScope(manifest: Pick<DatasetManifest, 'sources'>): string[] {
  const names = manifest.sources.map((s) => (s.from.startsWith('collection:') ? s.from.slice('collection:'.length) : '*'));
  return [...new Set(names)].sort();
}

/** An adapter's scope as recorded at training; an older adapter falls back to its dataset's, else "*". */
export function adapterScope(adapter: AdapterManifest, datasets: ReadonlyMap<string, DatasetManifest>): string[] {
  if (adapter.collections) return adapter.collections;
  const dataset = adapter.dataset.name ? datasets.get(adapter.dataset.name) : undefined;
  return dataset ? datasetScope(dataset) : ['*'];
}

/** Visible only when every collection in the scope is granted; an empty scope only to "*" keys. */
export function mayRead(principal: Principal, scope: readonly string[]): boolean {
  if (scope.length === 0) return seesAll(principal);
  return scope.every((name) => grants(principal, name));
}

/** Changing (or deleting) needs editor and every grant; what is not visible answers 404 before any role check. */
export function requireChange(principal: Principal, scope: readonly string[], notFound: () => TailorError): void {
  if (!mayRead(principal, scope)) throw notFound();
  requireRole(principal, 'editor');
}

/**
 * GGUF base models the HTTP API may train on or run: files in <home>/models/ and those the
 * server was started with. A request names one by file name or full path; any other path is
 * refused, so a caller cannot make the server read an arbitrary file.
 */
export function allowedBaseModels(home: string, configured: readonly string[] = []): string[] {
  const dir = join(home, 'models');
  let inHome: string[] = [];
  try {
    inHome = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.gguf')).map((f) => join(dir, f));
  } catch {
    // no models folder
  }
  return [...new Set([...configured.map((p) => resolve(p)), ...inHome])];
}

/** The allowed GGUF file `requested` names, or INVALID_ARGUMENT listing the choices. */
export function resolveBaseModel(requested: string, allowed: readonly string[]): string {
  const match = allowed.find((path) => (isAbsolute(requested) ? path === resolve(requested) : basename(path) === requested));
  if (!match) {
    const names = allowed.map((p) => basename(p));
    throw new TailorError('INVALID_ARGUMENT', `"${requested}" is not a base model this server offers${names.length ? `; choose one of ${names.join(', ')}` : ''}. Put a .gguf file in the home's models/ folder to offer it (GET /api/training/models lists them).`, {
      details: { base: requested, choices: names },
    });
  }
  return match;
}

/** Whether a model or arm spec names a local file: only allowed ones may be used over HTTP. */
export function looksLikeLocalModel(spec: string): boolean {
  return spec.startsWith('gguf:') || spec.toLowerCase().endsWith('.gguf') || isAbsolute(spec) || spec.startsWith('.');
}

export { seesAll };
