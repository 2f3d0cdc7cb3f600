import { TailorError } from '../../core/errors.js';
import { findInvalidUtf8Offset } from './utf8.js';

export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** Only the start is sampled: enough to tell a binary file from text without scanning gigabytes. */
const BINARY_SAMPLE_BYTES = 64 * 1024;
/** Share of control characters above which "text" is really binary data. */
const CONTROL_CHAR_LIMIT = 0.1;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function checkSize(sizeBytes: number, path: string, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (sizeBytes <= maxBytes) return;
  throw new TailorError(
    'FILE_TOO_LARGE',
    `${path} is ${formatBytes(sizeBytes)}, over the ${formatBytes(maxBytes)} limit. ` +
      `Split the file, or raise the limit with the maxBytes option (CLI: --max-bytes ${sizeBytes}).`,
    { details: { path, sizeBytes, maxBytes } },
  );
}

export function checkNotEmpty(text: string, path: string, what = 'text'): void {
  if (text.trim().length > 0) return;
  throw new TailorError('EMPTY_DOCUMENT', `${path} contains no ${what}: the file is empty or only whitespace. Check that it was saved completely, or exclude it (--exclude).`, {
    details: { path },
  });
}

function isControlByte(byte: number): boolean {
  // Tab, LF, VT, FF, CR and ESC (ANSI colours in logs) are normal in text files.
  if (byte === 0x09 || byte === 0x0a || byte === 0x0b || byte === 0x0c || byte === 0x0d || byte === 0x1b) return false;
  return byte < 0x20 || byte === 0x7f;
}

export function checkNotBinary(bytes: Uint8Array, path: string): void {
  const sample = bytes.subarray(0, BINARY_SAMPLE_BYTES);
  if (sample.length === 0) return;
  const nulOffset = sample.indexOf(0);
  let controls = 0;
  for (const byte of sample) if (isControlByte(byte)) controls++;
  if (nulOffset === -1 && controls / sample.length <= CONTROL_CHAR_LIMIT) return;
  const reason = nulOffset !== -1 ? `a NUL byte at offset ${nulOffset}` : `${controls} control bytes in the first ${sample.length}`;
  throw new TailorError(
    'BINARY_CONTENT',
    `${path} looks like binary data, not text (${reason}). Check that the file extension matches its content, or exclude the file.`,
    { details: { path, nulOffset: nulOffset === -1 ? undefined : nulOffset, controlBytes: controls } },
  );
}

export function utf16Bom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** UTF-16 with a byte-order mark (what Windows tools export as "Unicode"). */
function decodeUtf16(bytes: Uint8Array, path: string, encoding: 'utf-16le' | 'utf-16be'): string {
  try {
    const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
    const nul = text.indexOf('\0');
    if (nul !== -1) {
      throw new TailorError('BINARY_CONTENT', `${path} starts like ${encoding.toUpperCase()} text but holds a NUL character at character ${nul}: it is binary data. Check the file, or exclude it.`, {
        details: { path, encoding },
      });
    }
    return text;
  } catch (cause) {
    if (cause instanceof TailorError) throw cause;
    throw new TailorError(
      'INVALID_ENCODING',
      `${path} has a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()} (an odd byte count or a broken surrogate pair). ` +
        `Re-export it, or convert it to UTF-8, e.g. \`iconv -f ${encoding} -t utf-8 in > out\`.`,
      { cause, details: { path, encoding } },
    );
  }
}

/**
 * Decodes a text format's bytes (strict UTF-8, or UTF-16 LE/BE when a byte-order mark says so;
 * BOM stripped, CRLF → LF) after the encoding, binary and emptiness checks every text format shares.
 * `loadDocument` states a UTF-16 encoding in the document's metadata.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  const utf16 = utf16Bom(bytes);
  let text: string;
  if (utf16) {
    text = decodeUtf16(bytes, path, utf16);
  } else {
    checkNotBinary(bytes, path);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch (cause) {
      const offset = findInvalidUtf8Offset(bytes);
      throw new TailorError(
        'INVALID_ENCODING',
        `${path} is not valid UTF-8 (first bad byte at offset ${offset}). ` +
          'Convert it to UTF-8 first, e.g. `iconv -f latin1 -t utf-8 in > out` (use the encoding the file was written in).',
        { cause, details: { path, byteOffset: offset } },
      );
    }
  }
  text = text.replace(/\r\n?/g, '\n');
  checkNotEmpty(text, path);
  return text;
}
