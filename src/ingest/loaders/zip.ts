import { inflateRawSync } from 'node:zlib';
import { TailorError } from '../../core/errors.js';
import type { LoadBudget } from './budget.js';

/**
 * A small ZIP reader for the container formats (DOCX, XLSX, PPTX, ODT, EPUB). It reads the
 * central directory, refuses archives whose declared sizes pass the budget before inflating
 * anything, and inflates each part with zlib's `maxOutputLength` so a part that lies about
 * its size stops at the cap: memory stays flat whatever the archive claims.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  has(name: string): boolean;
  /** A part's bytes, inflated under the budget; undefined when the part is absent. */
  read(name: string): Uint8Array | undefined;
  /** A part as UTF-8 text (BOM dropped). */
  readText(name: string): string | undefined;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function corrupt(path: string, what: string, reason: string): TailorError {
  return new TailorError(
    'PARSE_FAILED',
    `${path} is not a readable ${what} (${reason}). The file may be truncated or corrupt: re-save or re-export it.`,
    { details: { path, reason } },
  );
}

export function openZip(bytes: Uint8Array, budget: LoadBudget, what: string): ZipArchive {
  const path = budget.path;
  if (!isZip(bytes)) throw corrupt(path, what, 'not a zip container');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw corrupt(path, what, 'no zip directory at the end of the file');
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (directoryOffset === ZIP64_MARKER || directoryOffset + directorySize > bytes.length) {
    throw corrupt(path, what, directoryOffset === ZIP64_MARKER ? 'a ZIP64 archive, which Tailor does not read' : 'the zip directory points past the end of the file');
  }
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  let offset = directoryOffset;
  let declared = 0;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_SIGNATURE) throw corrupt(path, what, 'a damaged zip directory');
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const compressedSize = view.getUint32(offset + 20, true);
    const uncompressedSize = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const localHeaderOffset = view.getUint32(offset + 42, true);
    const name = names.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    if (compressedSize === ZIP64_MARKER || uncompressedSize === ZIP64_MARKER || localHeaderOffset === ZIP64_MARKER) {
      // A ZIP64 size field means a part over 4 GB: far past any cap.
      budget.checkDeclaredSize(Number.MAX_SAFE_INTEGER);
    }
    declared += uncompressedSize;
    entries.set(name, { name, method, compressedSize, uncompressedSize, localHeaderOffset, encrypted: (flags & 1) === 1 });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  budget.checkDeclaredSize(declared);

  const read = (name: string): Uint8Array | undefined => {
    const entry = entries.get(name);
    if (!entry) return undefined;
    if (entry.encrypted) {
      throw new TailorError('ENCRYPTED_DOCUMENT', `${path} is password-protected. Save an unprotected copy and add that.`, { details: { path, part: name } });
    }
    const local = entry.localHeaderOffset;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) throw corrupt(path, what, `part ${name} is missing`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + entry.compressedSize);
    if (data.length < entry.compressedSize) throw corrupt(path, what, `part ${name} is cut short`);
    let out: Uint8Array;
    if (entry.method === 0) {
      out = data;
    } else if (entry.method === 8) {
      const left = budget.decompressedLeft;
      try {
        // One byte over what is left proves the cap is passed without inflating further.
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, left + 1) });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw budget.decompressionError(left + 1, 'inflates to');
        throw corrupt(path, what, `part ${name} does not inflate: ${(error as Error).message}`);
      }
    } else {
      throw corrupt(path, what, `part ${name} uses compression method ${entry.method}, which Tailor does not read`);
    }
    budget.addDecompressed(out.length);
    return out;
  };

  return {
    entries,
    has: (name) => entries.has(name),
    read,
    readText(name) {
      const data = read(name);
      return data === undefined ? undefined : new TextDecoder('utf-8').decode(data);
    },
  };
}
