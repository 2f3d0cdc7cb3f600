import { TailorError, toTailorError } from '../../core/errors.js';
import type { DocumentFormat, LoadedDocument } from '../../core/types.js';
import { loadCsv } from './csv.js';
import { loadDocx } from './docx.js';
import { detectFormat, unsupportedFormatError } from './formats.js';
import { checkSize } from './guards.js';
import { loadHtml } from './html.js';
import { loadJson, loadJsonl } from './json.js';
import { loadMarkdown } from './markdown.js';
import { loadPdf } from './pdf.js';
import { readFileBytes, type FileBytes } from './read-file.js';
import type { LoaderInput } from './source.js';
import { loadText } from './text.js';

export { detectFormat, formatFromExtension, SUPPORTED_EXTENSIONS } from './formats.js';
export { DEFAULT_MAX_BYTES } from './guards.js';
export { readFileBytes, type FileBytes } from './read-file.js';

export interface LoadOptions {
  /** Largest accepted file in bytes (default 100 MB). */
  maxBytes?: number;
}

const LOADERS: Readonly<Record<DocumentFormat, (input: LoaderInput) => Promise<LoadedDocument>>> = {
  markdown: loadMarkdown,
  text: loadText,
  html: loadHtml,
  pdf: loadPdf,
  docx: loadDocx,
  csv: loadCsv,
  json: loadJson,
  jsonl: loadJsonl,
};

/** How many leading bytes content sniffing looks at. */
const HEAD_BYTES = 4096;

/**
 * Turns a file's bytes into the clean text every chunk offset and citation indexes into.
 * Failures are TailorErrors: FILE_TOO_LARGE, UNSUPPORTED_FORMAT, EMPTY_DOCUMENT,
 * BINARY_CONTENT, INVALID_ENCODING, PARSE_FAILED, ENCRYPTED_DOCUMENT.
 */
export async function loadDocument(
  input: { path: string; bytes: Uint8Array; format?: DocumentFormat },
  options: LoadOptions = {},
): Promise<LoadedDocument> {
  const { path, bytes } = input;
  checkSize(bytes.byteLength, path, options.maxBytes);
  const format = input.format ?? detectFormat(path, bytes.subarray(0, HEAD_BYTES));
  if (!format) throw unsupportedFormatError(path);
  const loader = LOADERS[format];
  if (!loader) throw unsupportedFormatError(path);
  if (bytes.byteLength === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} is empty (0 bytes).`, { details: { path } });
  }
  try {
    return await loader({ path, bytes });
  } catch (error) {
    if (error instanceof TailorError) throw error;
    // A parser library failing in a way we did not foresee is still a problem with this file.
    const wrapped = toTailorError(error, 'PARSE_FAILED');
    throw new TailorError(wrapped.code, `Could not read ${path} as ${format}: ${wrapped.message}`, {
      cause: error,
      details: { path, format },
    });
  }
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
