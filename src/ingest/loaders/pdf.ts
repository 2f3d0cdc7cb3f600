import { getDocumentProxy, getMeta } from 'unpdf';
import { TailorError } from '../../core/errors.js';
import type { LoadedDocument, PageSpan } from '../../core/types.js';
import { pageTextInReadingOrder, type PdfTextItem } from './pdf-columns.js';
import { fileTitle, type LoaderInput } from './source.js';

const PAGE_SEPARATOR = '\n\n';
/** PDF.js verbosity 0: errors only; a library must not print warnings on its caller's console. */
const QUIET = 0;

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
}

function openFailure(error: unknown, path: string): TailorError {
  if (errorName(error) === 'PasswordException') {
    return new TailorError(
      'ENCRYPTED_DOCUMENT',
      `${path} is a password-protected PDF. Remove the password first (e.g. \`qpdf --decrypt --password=PASSWORD in.pdf out.pdf\`) and add the decrypted copy.`,
      { cause: error, details: { path } },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TailorError(
    'PARSE_FAILED',
    `${path} is not a readable PDF (${reason}). The file may be truncated or corrupt: re-export or re-download it.`,
    { cause: error, details: { path, reason } },
  );
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-');
}

async function openPdf(bytes: Uint8Array, path: string): Promise<PdfProxy> {
  if (!hasPdfHeader(bytes)) throw openFailure(new Error('no %PDF- header'), path);
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given, so it gets a copy.
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: QUIET });
  } catch (error) {
    throw openFailure(error, path);
  }
}

function pdfTitle(info: Record<string, unknown>): string | undefined {
  const title = typeof info.Title === 'string' ? info.Title.replace(/\s+/g, ' ').trim() : '';
  return title || undefined;
}

/** Joins page texts, recording each page's character range; pages without text get no span. */
export function joinPages(pageTexts: string[]): { text: string; pages: PageSpan[] } {
  let text = '';
  const pages: PageSpan[] = [];
  pageTexts.forEach((raw, index) => {
    const pageText = raw.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim();
    if (pageText.length === 0) return;
    if (text.length > 0) text += PAGE_SEPARATOR;
    const start = text.length;
    text += pageText;
    pages.push({ page: index + 1, start, end: text.length });
  });
  return { text, pages };
}

/** Each page's text from PDF.js's items, put in reading order when the page is set in two columns. */
async function readPageTexts(pdf: PdfProxy): Promise<string[]> {
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const items: PdfTextItem[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str == null) continue;
      items.push({ str: item.str, x: item.transform[4] as number, width: item.width, hasEOL: item.hasEOL });
    }
    texts.push(pageTextInReadingOrder(items));
  }
  return texts;
}

export async function loadPdf({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const pdf = await openPdf(bytes, path);
  try {
    let pageTexts: string[];
    let info: Record<string, unknown> = {};
    try {
      pageTexts = await readPageTexts(pdf);
      info = (await getMeta(pdf)).info ?? {};
    } catch (error) {
      throw openFailure(error, path);
    }
    const { text, pages } = joinPages(pageTexts);
    if (text.length === 0) {
      throw new TailorError(
        'EMPTY_DOCUMENT',
        `${path} has ${pageTexts.length} page(s) but no extractable text: it is probably scanned images. Run OCR on it first (e.g. \`ocrmypdf in.pdf out.pdf\`) and add the result.`,
        { details: { path, pageCount: pageTexts.length, needsOcr: true } },
      );
    }
    const withText = new Set(pages.map((span) => span.page));
    const blankPages = pageTexts.map((_, i) => i + 1).filter((page) => !withText.has(page));
    const warnings =
      blankPages.length > 0 ? [`Pages without extractable text (scanned or blank): ${blankPages.join(', ')}.`] : [];
    return {
      text,
      format: 'pdf',
      title: pdfTitle(info) ?? fileTitle(path),
      pages,
      metadata: {
        pageCount: pageTexts.length,
        ...(typeof info.Author === 'string' && info.Author.trim() ? { author: info.Author.trim() } : {}),
        ...(typeof info.Producer === 'string' ? { producer: info.Producer } : {}),
      },
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  } finally {
    await pdf.destroy();
  }
}
