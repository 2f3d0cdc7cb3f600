import { lstat, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import { checkSize } from './guards.js';
import { pathError } from './path-errors.js';

export interface FileBytes {
  /** Absolute path. */
  path: string;
  bytes: Uint8Array;
  sizeBytes: number;
  /** ISO time of the last modification. */
  modifiedAt: string;
}

async function statFile(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    // stat follows links; lstat tells a dangling link (exists, target missing) from a missing path.
    const linkExists = await lstat(path).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    throw pathError(error, path, { danglingLink: linkExists && (error as { code?: string }).code === 'ENOENT' });
  }
}

/**
 * Reads one file for loading, checking the size limit before reading a byte so a
 * huge file fails at once. Throws NOT_FOUND, UNREADABLE_PATH or FILE_TOO_LARGE.
 */
export async function readFileBytes(path: string, options: { maxBytes?: number } = {}): Promise<FileBytes> {
  const absolute = resolve(path);
  const info = await statFile(absolute);
  if (info.isDirectory()) {
    throw new TailorError('UNREADABLE_PATH', `${absolute} is a directory, not a file. Add the folder to walk it, or name a file inside it.`, {
      details: { path: absolute },
    });
  }
  if (!info.isFile()) {
    throw new TailorError('UNREADABLE_PATH', `${absolute} is not a regular file (device, socket or pipe).`, { details: { path: absolute } });
  }
  checkSize(info.size, absolute, options.maxBytes);
  let buffer: Buffer;
  try {
    buffer = await readFile(absolute);
  } catch (error) {
    throw pathError(error, absolute);
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { path: absolute, bytes, sizeBytes: bytes.byteLength, modifiedAt: info.mtime.toISOString() };
}

/** The first `length` bytes of a file (fewer when it is shorter), for content sniffing. */
export async function readHead(path: string, length = 4096): Promise<Uint8Array> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
  } catch (error) {
    throw pathError(error, path);
  } finally {
    await handle?.close();
  }
}
