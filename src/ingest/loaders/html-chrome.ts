/**
 * Page chrome of documentation sites (mdBook, Sphinx, MkDocs, Docusaurus and the like):
 * what a reader never takes for the page's content. It is removed before Readability scores
 * the page, so it reaches neither the text nor the heading paths.
 */

interface ChromeElement {
  tagName: string;
  remove(): void;
  closest(selector: string): unknown;
  getAttribute(name: string): string | null;
}
interface QueryableDocument {
  querySelectorAll(selector: string): ArrayLike<unknown>;
}

const ALWAYS_REMOVED = [
  'script', 'style', 'noscript', 'template', 'nav', 'footer', 'aside', 'dialog', 'button', 'form', 'select',
  '[hidden]', '[aria-hidden="true"]', '[aria-modal="true"]',
  '[role="navigation"]', '[role="banner"]', '[role="contentinfo"]', '[role="dialog"]', '[role="alertdialog"]',
  '[role="search"]', '[role="complementary"]', '[role="tooltip"]', '[role="menu"]', '[role="menubar"]',
].join(', ');

/**
 * Class and id words that mark chrome. A word matches a whole class/id or one of its
 * hyphen- or underscore-separated parts ("theme-doc-sidebar-container", "md-sidebar--primary").
 */
const CHROME_WORDS = new Set([
  'sidebar', 'sidebars', 'navbar', 'sidenav', 'menubar', 'breadcrumb', 'breadcrumbs', 'toc', 'popup', 'modal',
  'skip', 'searchbox', 'headerlink', 'anchorlink', 'permalink', 'pagination', 'prevnext', 'related',
  'sphinxsidebar', 'sphinxsidebarwrapper', 'announcement', 'cookie', 'cookies', 'banner', 'toolbar', 'copybutton', 'button', 'btn',
]);
/** Whole class/id names that are chrome though none of their parts is a chrome word on its own. */
const CHROME_NAMES = new Set([
  'menu-bar', 'menu-title', 'search-wrapper', 'mdbook-help-container', 'mdbook-help-popup', 'help-popup',
  'table-of-contents', 'hash-link', 'md-header', 'md-tabs', 'md-footer', 'md-source', 'md-search', 'nav-chapters',
  'nav-wrapper', 'mobile-nav-chapters', 'theme-doc-toc-mobile', 'theme-doc-toc-desktop', 'theme-edit-this-page',
  'theme-last-updated', 'theme-doc-footer', 'on-this-page', 'edit-this-page', 'wy-nav-side', 'rst-versions', 'sd-sidebar',
]);

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important)?\s*(?:;|$)/i;

function isChromeName(name: string): boolean {
  const lower = name.toLowerCase();
  if (CHROME_NAMES.has(lower) || CHROME_WORDS.has(lower)) return true;
  return lower.split(/[-_]+/).some((part) => CHROME_WORDS.has(part));
}

/** Content elements keep their place whatever their class: a heading "Sidebar items" on a page about sidebars is content. */
const CONTENT_TAGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'P', 'LI', 'TD', 'TH', 'PRE', 'CODE', 'TABLE', 'ARTICLE', 'MAIN', 'SECTION', 'BODY', 'HTML']);

function isChrome(element: ChromeElement): boolean {
  const style = element.getAttribute('style');
  if (style && HIDDEN_STYLE.test(style)) return true;
  if (CONTENT_TAGS.has(element.tagName)) return false;
  // Ids are often slugs of the content ("sidebar-items"), so only whole chrome names count.
  const id = element.getAttribute('id')?.toLowerCase();
  if (id && (CHROME_NAMES.has(id) || CHROME_WORDS.has(id))) return true;
  const classes = element.getAttribute('class');
  return classes !== null && classes.split(/\s+/).some((name) => name && isChromeName(name));
}

/** Removes hidden elements, dialogs, navigation, sidebars, search and shortcut help from a parsed page. */
export function removeChrome(document: QueryableDocument): void {
  for (const element of Array.from(document.querySelectorAll(ALWAYS_REMOVED)) as ChromeElement[]) element.remove();
  // A page's own header holds its title inside an article; a site header outside it is chrome.
  for (const element of Array.from(document.querySelectorAll('header')) as ChromeElement[]) {
    if (element.closest('article, main, [role="main"]') === null) element.remove();
  }
  for (const element of Array.from(document.querySelectorAll('[style], [id], [class]')) as ChromeElement[]) {
    if (isChrome(element)) element.remove();
  }
}

/** Separators sites put between a page's title and their own name: spaced, so "Shared-State" keeps its hyphen. */
const TITLE_SEPARATOR = /\s+(?:[-|·•—–»:]|::)\s+/g;

/**
 * The page's own title: its first content `<h1>` when there is one (chrome already removed),
 * else `<title>` without the site's name ("Shared-State Concurrency - The Rust Programming
 * Language" → "Shared-State Concurrency"; "Tutorial — Sphinx documentation" → "Tutorial").
 * The site's name is cut from the end, or from the start when og:site_name says it leads.
 */
export function pageOwnTitle(titleElement: string | undefined, headings: string[], siteName?: string): string | undefined {
  const clean = (text: string) => text.replace(/\s+/g, ' ').replace(/[\s¶#\u200b]+$/u, '').trim();
  const first = headings.map(clean).find(Boolean);
  if (first) return first;
  const title = titleElement ? clean(titleElement) : '';
  if (!title) return undefined;
  const separators = [...title.matchAll(TITLE_SEPARATOR)];
  if (separators.length === 0) return title;
  const site = siteName ? clean(siteName).toLowerCase() : undefined;
  const lead = separators[0];
  if (site && title.slice(0, lead.index).toLowerCase() === site) return title.slice(lead.index! + lead[0].length).trim() || title;
  const last = separators[separators.length - 1];
  return title.slice(0, last.index).trim() || title;
}
