import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { checkNotEmpty } from './guards.js';
import { htmlBodyToMarkdown } from './html.js';
import { fileTitle, type LoaderInput } from './source.js';
import { dirnameOf, firstElementText, localName, resolvePartPath, xmlEvents } from './xml.js';
import { openZip } from './zip.js';

const CHAPTER_TYPES = new Set(['application/xhtml+xml', 'text/html', 'application/x-dtbook+xml']);

function unreadable(path: string, reason: string): TailorError {
  return new TailorError('PARSE_FAILED', `${path} is not a readable EPUB (${reason}). Re-export it, or check it with epubcheck.`, { details: { path, reason } });
}

/** EPUB: the chapters in spine order as Markdown (their headings kept), titled from the package's dc:title. */
export async function loadEpub({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const zip = openZip(bytes, budget, 'EPUB');
  const container = zip.readText('META-INF/container.xml');
  if (container === undefined) throw unreadable(path, 'no META-INF/container.xml');
  let packagePath: string | undefined;
  for (const event of xmlEvents(container, budget)) {
    if (event.type === 'open' && localName(event.name) === 'rootfile' && event.attrs['full-path']) {
      packagePath = resolvePartPath('', event.attrs['full-path']);
      break;
    }
  }
  const opf = packagePath ? zip.readText(packagePath) : undefined;
  if (!packagePath || opf === undefined) throw unreadable(path, 'its package document (.opf) is missing');

  const base = dirnameOf(packagePath);
  const manifest = new Map<string, { href: string; type: string }>();
  const spine: string[] = [];
  for (const event of xmlEvents(opf, budget)) {
    if (event.type !== 'open') continue;
    const name = localName(event.name);
    if (name === 'item' && event.attrs.id && event.attrs.href) {
      manifest.set(event.attrs.id, { href: resolvePartPath(base, event.attrs.href), type: event.attrs['media-type'] ?? '' });
    } else if (name === 'itemref' && event.attrs.idref && event.attrs.linear !== 'no') {
      spine.push(event.attrs.idref);
    }
  }

  const chapters: string[] = [];
  for (const id of spine) {
    const item = manifest.get(id);
    if (!item || !CHAPTER_TYPES.has(item.type)) continue;
    const html = zip.readText(item.href);
    if (html === undefined) continue;
    const markdown = htmlBodyToMarkdown(html, budget).trim();
    if (markdown) chapters.push(markdown);
  }
  const text = chapters.join('\n\n');
  checkNotEmpty(text, path, 'chapter text');
  const title = firstElementText(opf, 'title', budget) ?? fileTitle(path);
  const creator = firstElementText(opf, 'creator', budget);
  const language = firstElementText(opf, 'language', budget);
  return {
    text,
    format: 'epub',
    title,
    metadata: { chapterCount: chapters.length, ...(creator ? { author: creator } : {}), ...(language ? { lang: language } : {}) },
  };
}
