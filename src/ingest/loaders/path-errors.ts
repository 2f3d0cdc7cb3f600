import { TailorError } from '../../core/errors.js';

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * A file-system failure on `path` as a TailorError: missing → NOT_FOUND, everything
 * else that stops us reading it (permissions, dangling links, loops) → UNREADABLE_PATH.
 */
export function pathError(error: unknown, path: string, options: { danglingLink?: boolean } = {}): TailorError {
  const code = errnoCode(error);
  if (options.danglingLink) {
    return new TailorError('UNREADABLE_PATH', `${path} is a symbolic link to something that does not exist. Fix or remove the link.`, {
      cause: error,
      details: { path, errno: code },
    });
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new TailorError('NOT_FOUND', `${path} does not exist. Check the path (relative paths start from the current directory).`, {
      cause: error,
      details: { path, errno: code },
    });
  }
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied; check its permissions'
      : code === 'EISDIR'
        ? 'it is a directory, not a file'
        : code === 'ELOOP'
          ? 'it is a symbolic link loop'
          : error instanceof Error
            ? error.message
            : String(error);
  return new TailorError('UNREADABLE_PATH', `Cannot read ${path}: ${why}.`, { cause: error, details: { path, errno: code } });
}
