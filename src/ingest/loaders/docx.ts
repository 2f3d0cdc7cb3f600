import mammoth from 'mammoth';
import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { checkNotEmpty } from './guards.js';
import { createHtmlToMarkdown } from './html-to-markdown.js';
import { firstMarkdownHeading } from './markdown.js';
import { fileTitle, type LoaderInput } from './source.js';
import { openZip } from './zip.js';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

function parseFailure(path: string, reason: string, cause?: unknown): TailorError {
  return new TailorError(
    'PARSE_FAILED',
    `${path} is not a readable DOCX (${reason}). The file may be corrupt, or an old .doc renamed: open and re-save it as .docx.`,
    { cause, details: { path, reason } },
  );
}

/** The first heading, preferring the highest level present. */
function firstHeading(markdown: string): string | undefined {
  for (let level = 1; level <= 6; level++) {
    const heading = firstMarkdownHeading(markdown, level);
    if (heading) return heading;
  }
  return undefined;
}

export async function loadDocx({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  if (!ZIP_SIGNATURE.every((byte, i) => bytes[i] === byte)) throw parseFailure(path, 'not a zip container');
  // mammoth inflates with no cap of its own: every part is first inflated here, under the budget,
  // so a zip bomb is refused at the cap instead of after gigabytes.
  const zip = openZip(bytes, budget, 'DOCX');
  for (const name of zip.entries.keys()) zip.read(name);
  let result: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    // Via HTML rather than mammoth's deprecated Markdown writer, so DOCX and HTML share one Markdown dialect.
    result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
  } catch (error) {
    throw parseFailure(path, error instanceof Error ? error.message : String(error), error);
  }
  budget.checkTime('converting DOCX');
  const text = createHtmlToMarkdown()(result.value);
  checkNotEmpty(text, path);
  const warnings = [...new Set(result.messages.map((message) => message.message))];
  return {
    text,
    format: 'docx',
    title: firstHeading(text) ?? fileTitle(path),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
