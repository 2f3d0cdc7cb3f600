import type { LoadBudget } from './budget.js';

/** Elements that never hold children. */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen']);
/** Elements whose end tag may be left out; browsers close them implicitly, so they are not counted as nesting. */
const OPTIONAL_END = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'optgroup', 'thead', 'tbody', 'tfoot', 'colgroup', 'rb', 'rt', 'rp', 'html', 'head', 'body']);
/** Elements whose content is raw text, where `<` starts no tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext']);

const TAG = /<(\/?)([a-zA-Z][^\s/>]*)[^>]*?(\/?)>/y;

/**
 * The nesting depth of an HTML page, found by one linear scan of its tags before any DOM is
 * built: a page nested tens of thousands of levels deep would otherwise cost the DOM, Readability
 * and the Markdown converter minutes of recursion. Throws LIMIT_EXCEEDED past the budget's depth.
 */
export function checkHtmlDepth(html: string, budget: LoadBudget): number {
  let depth = 0;
  let deepest = 0;
  let i = html.indexOf('<');
  while (i !== -1 && i < html.length) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      if (end === -1) break;
      i = html.indexOf('<', end + 3);
      continue;
    }
    TAG.lastIndex = i;
    const match = TAG.exec(html);
    if (!match) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    const [, closing, rawName, selfClosing] = match;
    const name = rawName.toLowerCase();
    i = TAG.lastIndex;
    if (closing) {
      if (!VOID.has(name) && !OPTIONAL_END.has(name)) depth = Math.max(0, depth - 1);
    } else if (RAW_TEXT.has(name)) {
      const closer = new RegExp(`</${name}`, 'ig');
      closer.lastIndex = i;
      const end = closer.exec(html);
      if (!end) break;
      i = end.index;
      continue;
    } else if (!selfClosing && !VOID.has(name) && !OPTIONAL_END.has(name)) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        budget.checkDepth(depth, 'elements');
      }
    }
    i = html.indexOf('<', i);
  }
  return deepest;
}
