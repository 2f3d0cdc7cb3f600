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

export type NodeTransformers = typeof import('@huggingface/transformers');

export async function importTransformers(): Promise<NodeTransformers> {
  try {
    return await import('@huggingface/transformers');
  } catch (error) {
    throw new TailorError('MODEL_LOAD_FAILED', `The @huggingface/transformers package could not be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
