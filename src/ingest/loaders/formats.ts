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
  '.xhtml': 'html',
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.pptx': 'pptx',
  '.xlsx': 'xlsx',
  '.odt': 'odt',
  '.epub': 'epub',
  '.eml': 'eml',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * Extensions of files that are never documents to read: media, fonts, archives, binaries, old
 * binary office formats, and the scripts and styles a documentation site ships beside its pages.
 * They are skipped by name (and reported); files of any other unknown name are sniffed.
 */
const NOT_DOCUMENTS = new Set(
  ('png jpg jpeg gif bmp ico icns webp avif svg tif tiff psd heic mp3 wav ogg flac m4a aac mp4 m4v mov avi mkv webm ' +
    'woff woff2 ttf otf eot zip gz tgz bz2 xz zst 7z rar tar jar war apk iso dmg exe dll so dylib o a lib class pyc wasm node bin dat ' +
    'doc xls ppt odp ods db sqlite sqlite3 js mjs cjs css map scss less')
    .split(' ')
    .map((extension) => `.${extension}`),
);

/** Why a file is not read by its name alone, or undefined when its name does not settle it. */
export function notADocument(path: string): string | undefined {
  const extension = extname(path).toLowerCase();
  return NOT_DOCUMENTS.has(extension) ? `${extension} files are not documents Tailor reads` : undefined;
}

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

export function formatFromExtension(path: string): DocumentFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

function startsWith(head: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => head[i] === byte);
}

/** Zip containers by the part names near their start (OOXML) or their `mimetype` entry (ODF, EPUB). */
function zipFormat(ascii: string): DocumentFormat | undefined {
  if (ascii.includes('mimetypeapplication/epub+zip')) return 'epub';
  if (ascii.includes('mimetypeapplication/vnd.oasis.opendocument.text')) return 'odt';
  if (/\bword\//.test(ascii)) return 'docx';
  if (/\bppt\//.test(ascii)) return 'pptx';
  if (/\bxl\//.test(ascii)) return 'xlsx';
  return undefined;
}

const MAIL_HEADER = /^(?:from|to|subject|date|message-id|mime-version|received|return-path|delivered-to):/gim;

/** A share of control bytes above which "text" is really binary data (as in the text guards). */
const CONTROL_LIMIT = 0.1;

/** Whether the first bytes read as text: UTF-16 with a BOM, or UTF-8 without NULs and with few control bytes. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return true;
  if (head.includes(0)) return false;
  let controls = 0;
  for (const byte of head) if ((byte < 0x20 && ![0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b].includes(byte)) || byte === 0x7f) controls++;
  if (controls / head.length > CONTROL_LIMIT) return false;
  // The sample may end inside a multi-byte character; anything else that is not UTF-8 is not text we read.
  for (let cut = 0; cut < 4 && cut < head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

/**
 * The format of a file whose name says nothing (no or an unknown extension), from its first
 * bytes: PDF, the zip containers, HTML and e-mail by signature, and anything else that reads
 * as text as plain text. Undefined for binary data.
 */
export function sniffFormat(head: Uint8Array): DocumentFormat | undefined {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  const ascii = new TextDecoder('latin1').decode(head.subarray(0, 4096));
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return zipFormat(ascii);
  if (!looksLikeText(head)) return undefined;
  const start = ascii.replace(/^\u00ef\u00bb\u00bf/, '').trimStart().slice(0, 256).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  const headerBlock = ascii.split(/\r?\n\r?\n/, 1)[0];
  if (/^[\w-]+:/.test(start) && (headerBlock.match(MAIL_HEADER)?.length ?? 0) >= 3) return 'eml';
  return 'text';
}

/**
 * The format of a file: by extension, else (when the first bytes are given) by content.
 * Undefined when Tailor cannot read it.
 */
export function detectFormat(path: string, head?: Uint8Array): DocumentFormat | undefined {
  return formatFromExtension(path) ?? (head ? sniffFormat(head) : undefined);
}

export function unsupportedFormatError(path: string): TailorError {
  const extension = extname(path) || '(none)';
  const name = extname(path) ? `its extension ${extension} is not a supported format` : 'it has no extension';
  return new TailorError(
    'UNSUPPORTED_FORMAT',
    `Cannot read ${basename(path)}: ${name} and its content is not text Tailor can read (binary data). ` +
      `Supported: ${SUPPORTED_EXTENSIONS.join(', ')}, and text files of any name.`,
    { details: { path, extension, supported: [...SUPPORTED_EXTENSIONS] } },
  );
}
