import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { TailorError } from '../core/errors.js';
import type { DocumentFormat } from '../core/types.js';
import { formatFromExtension, unsupportedFormatError } from './loaders/formats.js';
import { pathError } from './loaders/path-errors.js';

export interface WalkedFile {
  /** Absolute path. */
  path: string;
  sizeBytes: number;
  /** ISO time of the last modification. */
  modifiedAt: string;
  format: DocumentFormat;
}

export interface WalkOptions {
  /** Globs a file must match (relative path or base name) to be taken from a folder. */
  include?: string[];
  /** Globs for files and folders to leave out (relative path or base name). */
  exclude?: string[];
  /** Follow symbolic links inside folders (default false). Links named explicitly are always followed. */
  followSymlinks?: boolean;
}

export interface WalkResult {
  files: WalkedFile[];
  errors: Array<{ path: string; error: TailorError }>;
}

/** Folders never worth indexing: tool state, dependencies, and hidden folders such as .git or .tailor. */
const SKIPPED_FOLDER_NAMES = new Set(['node_modules', '.git', '.tailor']);

function isDefaultExcluded(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDER_NAMES.has(name);
}

type Matcher = (relativePath: string) => boolean;

function createMatcher(globs: string[] | undefined): Matcher | undefined {
  if (!globs || globs.length === 0) return undefined;
  const isMatch = picomatch(globs, { dot: true });
  return (relativePath) => isMatch(relativePath) || isMatch(basename(relativePath));
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function dangling(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT';
}

/**
 * Lists the supported files under the given files and folders, recursively and sorted.
 * Problems (missing, unreadable, unsupported explicit files) become `errors` entries:
 * one bad path never stops the walk.
 */
export async function walkPaths(paths: string[], options: WalkOptions = {}): Promise<WalkResult> {
  const include = createMatcher(options.include);
  const exclude = createMatcher(options.exclude);
  const files = new Map<string, WalkedFile>();
  const errors: WalkResult['errors'] = [];

  const addFile = (path: string, info: Stats, format: DocumentFormat): void => {
    files.set(path, { path, sizeBytes: info.size, modifiedAt: info.mtime.toISOString(), format });
  };

  const wanted = (relativePath: string): boolean =>
    (!include || include(relativePath)) && !(exclude && exclude(relativePath));

  /** `visited` is per root, so globs (relative to that root) never depend on the order roots were given in. */
  async function walkFolder(root: string, folder: string, visited: Set<string>): Promise<void> {
    // Real paths guard against link cycles and the same folder reached twice.
    let real: string;
    try {
      real = await realpath(folder);
    } catch (error) {
      errors.push({ path: folder, error: pathError(error, folder) });
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);

    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      errors.push({ path: folder, error: pathError(error, folder) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isDefaultExcluded(entry.name)) continue;
      const path = join(folder, entry.name);
      const relativePath = toPosix(relative(root, path));
      let info: Stats;
      if (entry.isSymbolicLink()) {
        if (!options.followSymlinks) continue;
        try {
          info = await stat(path);
        } catch (error) {
          errors.push({ path, error: pathError(error, path, { danglingLink: dangling(error) }) });
          continue;
        }
      } else if (entry.isDirectory() || entry.isFile()) {
        try {
          info = await stat(path);
        } catch (error) {
          errors.push({ path, error: pathError(error, path) });
          continue;
        }
      } else {
        continue; // sockets, pipes, devices
      }

      if (info.isDirectory()) {
        if (exclude && (exclude(relativePath) || exclude(relativePath + '/'))) continue;
        await walkFolder(root, path, visited);
      } else if (info.isFile()) {
        const format = formatFromExtension(path);
        if (format && wanted(relativePath)) addFile(path, info, format);
      }
    }
  }

  for (const given of paths) {
    const path = resolve(given);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      const isLink = await lstat(path).then((l) => l.isSymbolicLink(), () => false);
      errors.push({ path, error: pathError(error, path, { danglingLink: isLink && dangling(error) }) });
      continue;
    }
    if (info.isDirectory()) {
      await walkFolder(path, path, new Set());
    } else if (info.isFile()) {
      // A file the user named is taken even if hidden; only their own globs can leave it out.
      if (!wanted(basename(path))) continue;
      const format = formatFromExtension(path);
      if (format) addFile(path, info, format);
      else errors.push({ path, error: unsupportedFormatError(path) });
    } else {
      errors.push({ path, error: pathError(Object.assign(new Error('not a regular file or folder'), { code: 'EINVAL' }), path) });
    }
  }

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  // Overlapping roots can meet the same bad path twice; report it once.
  const uniqueErrors = [...new Map(errors.map((entry) => [entry.path, entry])).values()];
  return { files: [...files.values()].sort(byPath), errors: uniqueErrors.sort(byPath) };
}
