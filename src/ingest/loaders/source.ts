import { basename, extname } from 'node:path';
import type { LoadBudget } from './budget.js';
import { formatFromExtension } from './formats.js';

/** What every format loader receives: the file's path (for messages and titles) and its bytes. */
export interface LoaderInput {
  path: string;
  bytes: Uint8Array;
  /** The file's limits (decompressed bytes, nesting depth, wall time); loaders charge it as they work. */
  budget: LoadBudget;
}

/**
 * The fallback title: the file's name without its extension, which is noise in
 * BM25's title field ("Fiverr.txt" would index as one token, "fiverr.txt").
 */
export function fileTitle(path: string): string {
  // Only a format's extension is noise: "README.Debian" keeps its whole name.
  const extension = extname(path);
  return (formatFromExtension(path) ? basename(path, extension) : basename(path)) || basename(path);
}
