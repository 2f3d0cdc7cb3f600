import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { LoadedDocument } from '../../core/types.js';
import { checkNotEmpty, decodeText } from './guards.js';
import { createHtmlToMarkdown, HEADING_LEVEL_ATTRIBUTE } from './html-to-markdown.js';
import { fileTitle, type LoaderInput } from './source.js';

/**
 * Page furniture that is never the content. Readability alone keeps navigation on short
 * pages, so it is removed before scoring. Headers inside an article hold its title and stay.
 */
const BOILERPLATE_SELECTOR = [
  'script', 'style', 'noscript', 'template', 'nav', 'footer', 'aside',
  '[role="navigation"]', '[role="banner"]', '[role="contentinfo"]', '[aria-hidden="true"]',
].join(', ');

type ReadableDocument = ConstructorParameters<typeof Readability>[0];
// linkedom types its result as the DOM's Window, which other packages' global types can redefine.
type ParsedDocument = ReadableDocument & { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<unknown> };
interface RemovableElement {
  remove(): void;
  closest(selector: string): unknown;
}

function documentTitle(document: ParsedDocument): string | undefined {
  const title = document.querySelector('title')?.textContent?.replace(/\s+/g, ' ').trim();
  return title || undefined;
}

/** linkedom builds no document element from a fragment, so fragments get the skeleton a browser would add. */
function asFullDocument(html: string): string {
  if (/<html[\s>]/i.test(html)) return html;
  return `<!DOCTYPE html><html>${/<(body|head)[\s>]/i.test(html) ? html : `<head></head><body>${html}</body>`}</html>`;
}

function parseWithoutBoilerplate(html: string): ParsedDocument {
  const { document } = parseHTML(asFullDocument(html)) as unknown as { document: ParsedDocument };
  const remove = (selector: string, keep: (element: RemovableElement) => boolean = () => false) => {
    for (const element of Array.from(document.querySelectorAll(selector)) as RemovableElement[]) {
      if (!keep(element)) element.remove();
    }
  };
  remove(BOILERPLATE_SELECTOR);
  remove('header', (element) => element.closest('article, main') !== null);
  // Readability demotes <h1> to <h2>, which would merge two heading levels; the original level rides along.
  for (const heading of Array.from(document.querySelectorAll('h1')) as Array<{ setAttribute(name: string, value: string): void }>) {
    heading.setAttribute(HEADING_LEVEL_ATTRIBUTE, '1');
  }
  return document;
}

export async function loadHtml({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const html = decodeText(bytes, path);
  const document = parseWithoutBoilerplate(html);
  const pageTitle = documentTitle(document);
  const toMarkdown = createHtmlToMarkdown();
  const warnings: string[] = [];

  // Readability mutates the document it scores, so the fallback parses its own copy.
  const article = new Readability(document as unknown as ReadableDocument).parse();
  let text = article?.content ? toMarkdown(article.content) : '';
  let extractedBy = 'readability';
  if (text.trim().length === 0) {
    const fresh = parseWithoutBoilerplate(html);
    for (const element of Array.from(fresh.querySelectorAll('head, title')) as RemovableElement[]) element.remove();
    // Content outside <body> (sloppy pages) still counts.
    text = toMarkdown(fresh.body?.innerHTML || fresh.documentElement?.innerHTML || '');
    extractedBy = 'body';
    warnings.push('No main article found; used the page body without navigation, header and footer.');
  }
  checkNotEmpty(text, path, 'readable text (after removing navigation, scripts and styles)');

  const title = article?.title?.trim() || pageTitle || fileTitle(path);
  const metadata: Record<string, unknown> = { extractedBy };
  if (article?.byline) metadata.byline = article.byline;
  if (article?.siteName) metadata.siteName = article.siteName;
  if (article?.lang) metadata.lang = article.lang;
  if (article?.publishedTime) metadata.publishedTime = article.publishedTime;
  return { text, format: 'html', title, metadata, ...(warnings.length > 0 ? { warnings } : {}) };
}
