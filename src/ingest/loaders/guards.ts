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
  throw new TailorError('EMPTY_DOCUMENT', `${path} contains no ${what}: the file is empty or only whitespace.`, {
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

function utf16Bom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * Decodes a text format's bytes as strict UTF-8 (BOM stripped, CRLF → LF) after the
 * encoding, binary and emptiness checks every text format shares.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  const utf16 = utf16Bom(bytes);
  if (utf16) {
    throw new TailorError(
      'INVALID_ENCODING',
      `${path} is ${utf16.toUpperCase()} text; Tailor reads UTF-8. Convert it first, e.g. \`iconv -f ${utf16} -t utf-8 in > out\`.`,
      { details: { path, encoding: utf16 } },
    );
  }
  checkNotBinary(bytes, path);
  let text: string;
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
  text = text.replace(/\r\n?/g, '\n');
  checkNotEmpty(text, path);
  return text;
}
