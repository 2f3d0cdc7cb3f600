import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';

/** Fails early, naming the directory and what is missing, before any library gets a vaguer chance. */
export function assertModelDir(dir: string, kind: string, required: string[]): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new TailorError('MODEL_LOAD_FAILED', `The ${kind} directory ${dir} does not exist. Check the path.`, { details: { path: dir } });
  }
  if (!isDir) {
    throw new TailorError('MODEL_LOAD_FAILED', `${dir} is a file; a ${kind} is a directory holding ${required.join(', ')}.`, {
      details: { path: dir },
    });
  }
  const missing = required.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new TailorError(
      'MODEL_LOAD_FAILED',
      `${dir} is not a ${kind} directory: it lacks ${missing.join(', ')} (expected ${required.join(', ')}).`,
      { details: { path: dir, missing } },
    );
  }
}

export function readJsonFile(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `Cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
}

/** The package behind `onnx:` embedders: an optional peer dependency, installed on demand. */
export const TRANSFORMERS_PACKAGE = '@huggingface/transformers@3.8.1';

/** The part of transformers.js Tailor calls; declared here so Tailor builds without the package. */
export interface FeatureExtractor {
  (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }): Promise<{ dims: number[]; data: ArrayLike<number> }>;
  dispose(): Promise<unknown>;
}
export interface NodeTransformers {
  pipeline(task: 'feature-extraction', model: string, options: Record<string, unknown>): Promise<FeatureExtractor>;
}

/**
 * transformers.js brings ONNX Runtime (about 350 MB), which only `onnx:` embedders need, so it
 * is not in the default install; a spec that needs it says how to add it.
 */
export async function importTransformers(importer: (name: string) => Promise<unknown> = (name) => import(name)): Promise<NodeTransformers> {
  const name = TRANSFORMERS_PACKAGE.slice(0, TRANSFORMERS_PACKAGE.lastIndexOf('@'));
  try {
    return (await importer(name)) as NodeTransformers;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(name);
    throw new TailorError(
      missing ? 'BACKEND_NOT_INSTALLED' : 'MODEL_LOAD_FAILED',
      missing
        ? `ONNX embedders need ${name}, which the default install leaves out (it brings ONNX Runtime, about 350 MB). ` +
            `Install it beside Tailor with: npm install ${TRANSFORMERS_PACKAGE}`
        : `The ${name} package could not be loaded: ${(error as Error).message}`,
      { cause: error, details: { package: TRANSFORMERS_PACKAGE } },
    );
  }
}
