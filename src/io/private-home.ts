import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-file.js';

/**
 * A home holds an organisation's documents, keys and training data: only its owner may
 * read it. Creates `home` as 0700 and takes group and other access off what an older
 * version (or a tool with a looser umask) left behind. Links are never followed.
 */
export function securePrivateHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(home, 0);
}

/** Creates `path` empty with PRIVATE_FILE_MODE unless it exists, so what opens it next (SQLite) keeps that mode. */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Folders Tailor makes in a home and fills with copies of documents or data derived from them. */
const TAILOR_FOLDERS = new Set(['uploads', 'datasets', 'adapters', 'jobs']);

/** Takes group and other access away; the owner's own bits (an executable's x) stay. */
function tighten(path: string, depth: number): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // gone meanwhile
  }
  if (stat.isSymbolicLink() || !(stat.isDirectory() || stat.isFile())) return;
  if ((stat.mode & 0o077) !== 0) {
    try {
      chmodSync(path, stat.mode & 0o700);
    } catch {
      // not ours (another user's file in a shared folder): leave it, the 0700 home still hides it
    }
  }
  // Inside the home only Tailor's own folders are walked: a home that is also someone's
  // folder of other things keeps those things as they are.
  if (!stat.isDirectory() || depth > 16) return;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return;
  }
  for (const name of names) {
    if (depth === 0 && !TAILOR_FOLDERS.has(name)) {
      tightenEntry(join(path, name));
      continue;
    }
    tighten(join(path, name), depth + 1);
  }
}

/** A top-level entry of the home: itself only. */
function tightenEntry(path: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isFile() && (stat.mode & 0o077) !== 0) chmodSync(path, stat.mode & 0o700);
  } catch {
    // leave what cannot be changed
  }
}
