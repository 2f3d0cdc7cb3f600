import { TailorError, toTailorError } from '../../core/errors.js';
import type { DocumentFormat, LoadedDocument } from '../../core/types.js';
import { LoadBudget, type LoadLimits } from './budget.js';
import { loadCsv } from './csv.js';
import { loadDocx } from './docx.js';
import { loadEml } from './eml.js';
import { loadEpub } from './epub.js';
import { detectFormat, unsupportedFormatError } from './formats.js';
import { checkSize, utf16Bom } from './guards.js';
import { loadHtml } from './html.js';
import { loadJson, loadJsonl } from './json.js';
import { loadMarkdown } from './markdown.js';
import { loadOdt } from './odt.js';
import { loadPdf } from './pdf.js';
import { loadPptx } from './pptx.js';
import { readFileBytes, type FileBytes } from './read-file.js';
import type { LoaderInput } from './source.js';
import { loadText } from './text.js';
import { loadXlsx } from './xlsx.js';

export { detectFormat, formatFromExtension, sniffFormat, SUPPORTED_EXTENSIONS } from './formats.js';
export { DEFAULT_MAX_BYTES } from './guards.js';
export { DEFAULT_LIMITS, LoadBudget, type LoadLimits } from './budget.js';
export { readFileBytes, readHead, type FileBytes } from './read-file.js';

export interface LoadOptions {
  /** Largest accepted file in bytes (default 100 MB). */
  maxBytes?: number;
  /** Caps on decompressed bytes, nesting depth and wall time per file (defaults in DEFAULT_LIMITS). */
  limits?: Partial<LoadLimits>;
}

const LOADERS: Readonly<Record<DocumentFormat, (input: LoaderInput) => Promise<LoadedDocument>>> = {
  markdown: loadMarkdown,
  text: loadText,
  html: loadHtml,
  pdf: loadPdf,
  docx: loadDocx,
  pptx: loadPptx,
  xlsx: loadXlsx,
  odt: loadOdt,
  epub: loadEpub,
  eml: loadEml,
  csv: loadCsv,
  json: loadJson,
  jsonl: loadJsonl,
};

/** How many leading bytes content sniffing looks at. */
const HEAD_BYTES = 4096;

/** Text formats, whose encoding (UTF-8, or UTF-16 by its byte-order mark) is stated in metadata. */
const TEXT_FORMATS = new Set<DocumentFormat>(['markdown', 'text', 'html', 'csv', 'json', 'jsonl']);

/**
 * Turns a file's bytes into the clean text every chunk offset and citation indexes into, under
 * one LoadBudget per file (size, decompressed bytes, nesting depth, wall time).
 * Failures are TailorErrors: FILE_TOO_LARGE, LIMIT_EXCEEDED, UNSUPPORTED_FORMAT, EMPTY_DOCUMENT,
 * BINARY_CONTENT, INVALID_ENCODING, PARSE_FAILED, ENCRYPTED_DOCUMENT.
 */
export async function loadDocument(
  input: { path: string; bytes: Uint8Array; format?: DocumentFormat },
  options: LoadOptions = {},
): Promise<LoadedDocument> {
  const { path, bytes } = input;
  const budget = new LoadBudget(path, { ...options.limits, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
  checkSize(bytes.byteLength, path, budget.limits.maxBytes);
  const format = input.format ?? detectFormat(path, bytes.subarray(0, HEAD_BYTES));
  if (!format) throw unsupportedFormatError(path);
  const loader = LOADERS[format];
  if (!loader) throw unsupportedFormatError(path);
  if (bytes.byteLength === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} is empty (0 bytes). Check that it was saved completely, or exclude it (--exclude).`, { details: { path } });
  }
  let document: LoadedDocument;
  try {
    document = await loader({ path, bytes, budget });
  } catch (error) {
    if (error instanceof TailorError) throw error;
    // A parser library failing in a way we did not foresee is still a problem with this file.
    const wrapped = toTailorError(error, 'PARSE_FAILED');
    throw new TailorError(wrapped.code, `Could not read ${path} as ${format}: ${wrapped.message}`, {
      cause: error,
      details: { path, format },
    });
  }
  budget.checkTime('loading');
  const utf16 = TEXT_FORMATS.has(format) ? utf16Bom(bytes) : undefined;
  if (!utf16) return document;
  return {
    ...document,
    metadata: { ...document.metadata, encoding: utf16 },
    warnings: [...(document.warnings ?? []), `Decoded as ${utf16.toUpperCase()} (byte-order mark).`],
  };
}

/** Reads and loads one file from disk: `readFileBytes` then `loadDocument`. */
export async function loadFile(
  path: string,
  options: LoadOptions & { format?: DocumentFormat } = {},
): Promise<FileBytes & { document: LoadedDocument }> {
  const file = await readFileBytes(path, options);
  const document = await loadDocument({ path: file.path, bytes: file.bytes, format: options.format }, options);
  return { ...file, document };
}
