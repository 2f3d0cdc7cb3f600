import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { TailorError } from '../core/errors.js';
import type { DocumentFormat } from '../core/types.js';
import { formatFromExtension, notADocument, sniffFormat, unsupportedFormatError } from './loaders/formats.js';
import { pathError } from './loaders/path-errors.js';
import { readHead } from './loaders/read-file.js';

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

/** Why a path inside a folder was left out: every one is reported, none is dropped silently. */
export type SkipReason = 'unsupported' | 'hidden' | 'symlink' | 'excluded' | 'special';

export interface SkippedPath {
  /** Absolute path; folders end with a slash and stand for everything inside them. */
  path: string;
  reason: SkipReason;
  /** What exactly: "binary content", "not followed (--follow-symlinks)", "--exclude drafts"… */
  detail?: string;
}

export interface WalkResult {
  files: WalkedFile[];
  errors: Array<{ path: string; error: TailorError }>;
  skipped: SkippedPath[];
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
 * Lists the readable files under the given files and folders, recursively and sorted: known
 * extensions by name, other files by content (text is read as text). Problems (missing,
 * unreadable, unsupported explicit files) become `errors` entries, one bad path never stops
 * the walk; every path left out of a folder is in `skipped` with its reason.
 */
export async function walkPaths(paths: string[], options: WalkOptions = {}): Promise<WalkResult> {
  const include = createMatcher(options.include);
  const exclude = createMatcher(options.exclude);
  const files = new Map<string, WalkedFile>();
  const errors: WalkResult['errors'] = [];
  const skipped = new Map<string, SkippedPath>();
  const skip = (path: string, reason: SkipReason, detail?: string) => skipped.set(path, { path, reason, ...(detail ? { detail } : {}) });

  /** A file's format by extension, else by its first bytes; undefined (and skipped) when it is not readable text or a known format. */
  const classify = async (path: string): Promise<DocumentFormat | undefined> => {
    const byName = formatFromExtension(path);
    if (byName) return byName;
    const notDocument = notADocument(path);
    if (notDocument) {
      skip(path, 'unsupported', notDocument);
      return undefined;
    }
    const format = sniffFormat(await readHead(path));
    if (!format) skip(path, 'unsupported', 'binary or unknown content');
    return format;
  };

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
      const path = join(folder, entry.name);
      if (isDefaultExcluded(entry.name)) {
        skip(entry.isDirectory() ? path + sep : path, 'hidden', entry.name.startsWith('.') ? 'hidden name' : `${entry.name} folder`);
        continue;
      }
      const relativePath = toPosix(relative(root, path));
      let info: Stats;
      if (entry.isSymbolicLink()) {
        if (!options.followSymlinks) {
          skip(path, 'symlink', 'symbolic links inside folders are not followed');
          continue;
        }
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
        skip(path, 'special', 'socket, pipe or device');
        continue;
      }

      if (info.isDirectory()) {
        if (exclude && (exclude(relativePath) || exclude(relativePath + '/'))) {
          skip(path + sep, 'excluded', '--exclude');
          continue;
        }
        await walkFolder(root, path, visited);
      } else if (info.isFile()) {
        if (!wanted(relativePath)) {
          skip(path, 'excluded', include && !include(relativePath) ? 'not matched by --include' : '--exclude');
          continue;
        }
        let format: DocumentFormat | undefined;
        try {
          format = await classify(path);
        } catch (error) {
          errors.push({ path, error: pathError(error, path) });
          continue;
        }
        if (format) addFile(path, info, format);
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
      let format: DocumentFormat | undefined;
      try {
        format = formatFromExtension(path) ?? (notADocument(path) ? undefined : sniffFormat(await readHead(path)));
      } catch (error) {
        errors.push({ path, error: pathError(error, path) });
        continue;
      }
      if (format) addFile(path, info, format);
      else errors.push({ path, error: unsupportedFormatError(path) });
    } else {
      errors.push({ path, error: pathError(Object.assign(new Error('not a regular file or folder'), { code: 'EINVAL' }), path) });
    }
  }

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  // Overlapping roots can meet the same bad path twice; report it once.
  const uniqueErrors = [...new Map(errors.map((entry) => [entry.path, entry])).values()];
  // A file skipped under one root but listed under another (overlapping roots) was not skipped.
  const stillSkipped = [...skipped.values()].filter((entry) => !files.has(entry.path));
  return { files: [...files.values()].sort(byPath), errors: uniqueErrors.sort(byPath), skipped: stillSkipped.sort(byPath) };
}
