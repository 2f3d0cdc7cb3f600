import { TailorError, toTailorError } from '../../core/errors.js';
import type { DocumentFormat, LoadedDocument } from '../../core/types.js';
import { LoadBudget, type LoadLimits } from './budget.js';
import { detectFormat, unsupportedFormatError } from './formats.js';
import { checkSize, utf16Bom } from './guards.js';
import { readFileBytes, type FileBytes } from './read-file.js';
import type { LoaderInput } from './source.js';

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

type Loader = (input: LoaderInput) => Promise<LoadedDocument>;

/**
 * Each format's loader, imported when a file of that format first comes: the parser libraries
 * (linkedom, Readability, unpdf…) cost ~0.5 s and ~20 MB to import, which a process or parse worker
 * that only reads Markdown and text never pays.
 */
const LOADERS: Readonly<Record<DocumentFormat, () => Promise<Loader>>> = {
  markdown: async () => (await import('./markdown.js')).loadMarkdown,
  text: async () => (await import('./text.js')).loadText,
  html: async () => (await import('./html.js')).loadHtml,
  pdf: async () => (await import('./pdf.js')).loadPdf,
  docx: async () => (await import('./docx.js')).loadDocx,
  pptx: async () => (await import('./pptx.js')).loadPptx,
  xlsx: async () => (await import('./xlsx.js')).loadXlsx,
  odt: async () => (await import('./odt.js')).loadOdt,
  epub: async () => (await import('./epub.js')).loadEpub,
  eml: async () => (await import('./eml.js')).loadEml,
  csv: async () => (await import('./csv.js')).loadCsv,
  json: async () => (await import('./json.js')).loadJson,
  jsonl: async () => (await import('./json.js')).loadJsonl,
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
  const importLoader = LOADERS[format];
  if (!importLoader) throw unsupportedFormatError(path);
  if (bytes.byteLength === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} is empty (0 bytes). Check that it was saved completely, or exclude it (--exclude).`, { details: { path } });
  }
  let document: LoadedDocument;
  try {
    const loader = await importLoader();
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
