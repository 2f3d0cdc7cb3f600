import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import type { LoadBudget } from './budget.js';
import { checkNotEmpty, decodeText } from './guards.js';
import { pageOwnTitle, removeChrome } from './html-chrome.js';
import { checkHtmlDepth } from './html-depth.js';
import { createHtmlToMarkdown, HEADING_LEVEL_ATTRIBUTE } from './html-to-markdown.js';
import { fileTitle, type LoaderInput } from './source.js';

type ReadableDocument = ConstructorParameters<typeof Readability>[0];
interface Element {
  textContent: string | null;
  innerHTML: string;
  remove(): void;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
}
// linkedom types its result as the DOM's Window, which other packages' global types can redefine.
type ParsedDocument = ReadableDocument & {
  querySelector(s: string): Element | null;
  querySelectorAll(s: string): ArrayLike<unknown>;
  body: Element | null;
  documentElement: Element | null;
};

/** linkedom builds no document element from a fragment, so fragments get the skeleton a browser would add. */
function asFullDocument(html: string): string {
  if (/<html[\s>]/i.test(html)) return html;
  return `<!DOCTYPE html><html>${/<(body|head)[\s>]/i.test(html) ? html : `<head></head><body>${html}</body>`}</html>`;
}

function parseWithoutChrome(html: string): ParsedDocument {
  const { document } = parseHTML(asFullDocument(html)) as unknown as { document: ParsedDocument };
  removeChrome(document);
  // Readability demotes <h1> to <h2>, which would merge two heading levels; the original level rides along.
  for (const heading of Array.from(document.querySelectorAll('h1')) as Element[]) heading.setAttribute(HEADING_LEVEL_ATTRIBUTE, '1');
  return document;
}

function text(element: Element | null | undefined): string | undefined {
  const value = element?.textContent?.replace(/\s+/g, ' ').trim();
  return value || undefined;
}

/** The first heading of the page once chrome is gone: the page's own title as its author set it. */
function openingHeading(document: ParsedDocument): { level: number; text: string } | undefined {
  const heading = document.querySelector('h1, h2, h3, h4, h5, h6') as (Element & { tagName: string }) | null;
  const value = text(heading)?.replace(/[\s¶#\u200b]+$/u, '');
  if (!heading || !value) return undefined;
  const original = Number(heading.getAttribute(HEADING_LEVEL_ATTRIBUTE));
  return { level: original >= 1 ? original : Number(heading.tagName.charAt(1)) || 1, text: value };
}

/**
 * Readability drops a heading that repeats the page title, which would leave the page's title out
 * of its text and of every chunk's heading path; it is put back where it stood.
 */
function withOpeningHeading(markdown: string, opening: { level: number; text: string } | undefined): string {
  if (!opening) return markdown;
  const collapse = (line: string) => line.replace(/`/g, '').replace(/\s+/g, ' ').trim();
  const present = markdown.split('\n').some((line) => /^#{1,6} /.test(line) && collapse(line.replace(/^#+ /, '')) === collapse(opening.text));
  return present ? markdown : `${'#'.repeat(opening.level)} ${opening.text}\n\n${markdown}`;
}

/** Parsed HTML as Markdown without page chrome, and the page's own title. */
export function htmlToDocument(html: string, budget: LoadBudget): { text: string; title?: string; metadata: Record<string, unknown>; warnings: string[] } {
  checkHtmlDepth(html, budget);
  const document = parseWithoutChrome(html);
  budget.checkTime('parsing HTML');
  const titleElement = text(document.querySelector('title'));
  const headings = (Array.from(document.querySelectorAll('h1')) as Element[]).map(text).filter((h): h is string => h !== undefined);
  const siteName = document.querySelector('meta[property="og:site_name"]')?.getAttribute('content') ?? undefined;
  const toMarkdown = createHtmlToMarkdown();
  const warnings: string[] = [];
  const opening = openingHeading(document);

  // Readability mutates the document it scores, so the fallback parses its own copy.
  const article = new Readability(document as unknown as ReadableDocument).parse();
  budget.checkTime('finding the article');
  let markdown = article?.content ? toMarkdown(article.content) : '';
  let extractedBy = 'readability';
  if (markdown.trim().length === 0) {
    const fresh = parseWithoutChrome(html);
    for (const element of Array.from(fresh.querySelectorAll('head, title')) as Element[]) element.remove();
    // Content outside <body> (sloppy pages) still counts.
    markdown = toMarkdown(fresh.body?.innerHTML || fresh.documentElement?.innerHTML || '');
    extractedBy = 'body';
    warnings.push('No main article found; used the page body without navigation, header and footer.');
  }
  budget.checkTime('converting to Markdown');
  markdown = withOpeningHeading(markdown, opening);
  const metadata: Record<string, unknown> = { extractedBy };
  if (article?.byline) metadata.byline = article.byline;
  if (article?.siteName || siteName) metadata.siteName = article?.siteName || siteName;
  if (article?.lang) metadata.lang = article.lang;
  if (article?.publishedTime) metadata.publishedTime = article.publishedTime;
  return { text: markdown, title: pageOwnTitle(titleElement, headings, siteName), metadata, warnings };
}

/** The charset a page declares in its first bytes (`<meta charset>`, `http-equiv`, or an XML declaration). */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  return (/<meta[^>]+charset\s*=\s*["']?([\w:.-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w:.-]+)/i.exec(head))?.[1];
}

/** A decoder for a charset label, or undefined when the runtime does not know the label. */
function supportedDecoder(label: string): { decode(bytes: Uint8Array): string; encoding: string } | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/**
 * UTF-8 (or UTF-16 by its BOM) first; a page that is not, but declares another charset
 * (old pages in ISO-8859-1 or windows-1252), is decoded as it declares.
 */
function decodeHtml(bytes: Uint8Array, path: string): { html: string; encoding?: string } {
  try {
    return { html: decodeText(bytes, path) };
  } catch (error) {
    const charset = declaredCharset(bytes);
    if (!(error instanceof TailorError) || error.code !== 'INVALID_ENCODING' || !charset || /^utf-?8$/i.test(charset)) throw error;
    const decoder = supportedDecoder(charset);
    if (!decoder) throw error;
    return { html: decoder.decode(bytes).replace(/\r\n?/g, '\n'), encoding: decoder.encoding };
  }
}

export async function loadHtml({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const { html, encoding } = decodeHtml(bytes, path);
  const { text: markdown, title, metadata, warnings } = htmlToDocument(html, budget);
  if (encoding) {
    metadata.encoding = encoding;
    warnings.push(`Not UTF-8; decoded as ${encoding}, the charset the page declares.`);
  }
  checkNotEmpty(markdown, path, 'readable text (after removing navigation, scripts and styles)');
  return { text: markdown, format: 'html', title: title ?? fileTitle(path), metadata, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** A page that is all content (an EPUB chapter, an e-mail body): its body as Markdown, chrome removed, no article scoring. */
export function htmlBodyToMarkdown(html: string, budget: LoadBudget): string {
  checkHtmlDepth(html, budget);
  const document = parseWithoutChrome(html);
  for (const element of Array.from(document.querySelectorAll('head, title')) as Element[]) element.remove();
  const markdown = createHtmlToMarkdown()(document.body?.innerHTML || document.documentElement?.innerHTML || '');
  budget.checkTime('converting HTML to Markdown');
  return markdown;
}
