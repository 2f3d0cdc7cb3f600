import { basename, extname } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { DocumentFormat } from '../../core/types.js';

const FORMAT_BY_EXTENSION: Readonly<Record<string, DocumentFormat>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.log': 'text',
  '.rst': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

export function formatFromExtension(path: string): DocumentFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

function startsWith(head: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => head[i] === byte);
}

/** Content sniffing for files whose name says nothing (no or unknown extension). */
function formatFromContent(head: Uint8Array): DocumentFormat | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  const ascii = new TextDecoder('latin1').decode(head.subarray(0, 2048));
  // A DOCX is a zip whose first entries are the OOXML parts.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    return /\[Content_Types\]\.xml|word\//.test(ascii) ? 'docx' : undefined;
  }
  const start = ascii.replace(/^\uFEFF|^\u00ef\u00bb\u00bf/, '').trimStart().slice(0, 256).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  return undefined;
}

/**
 * The format of a file: by extension, else (when the first bytes are given) by content.
 * Undefined when Tailor cannot read it.
 */
export function detectFormat(path: string, head?: Uint8Array): DocumentFormat | undefined {
  return formatFromExtension(path) ?? (head ? formatFromContent(head) : undefined);
}

export function unsupportedFormatError(path: string): TailorError {
  const extension = extname(path) || '(none)';
  return new TailorError(
    'UNSUPPORTED_FORMAT',
    `Cannot read ${basename(path)}: extension ${extension} is not a supported format. ` +
      `Supported: ${SUPPORTED_EXTENSIONS.join(', ')}.`,
    { details: { path, extension, supported: [...SUPPORTED_EXTENSIONS] } },
  );
}
