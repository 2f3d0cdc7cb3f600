import TurndownService from 'turndown';

/**
 * HTML → Markdown that keeps structure (headings, lists, tables, code) for the chunker
 * and drops inline decoration (emphasis markers, link targets, images, escapes) so the
 * text that citations quote reads like the page did.
 */

// Turndown hands rules DOM nodes of its own parser; only this much of them is used.
interface DomNode {
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
  nextSibling: DomNode | null;
  getAttribute?(name: string): string | null;
}

/** Set on a heading to give its Markdown level when the element's own tag was changed. */
export const HEADING_LEVEL_ATTRIBUTE = 'data-tailor-heading';

function heading(content: string, node: DomNode): string {
  const original = Number(node.getAttribute?.(HEADING_LEVEL_ATTRIBUTE));
  const level = original >= 1 && original <= 6 ? original : Number(node.nodeName.charAt(1));
  const text = content.replace(/\s+/g, ' ').trim();
  return text ? `\n\n${'#'.repeat(level)} ${text}\n\n` : '';
}

function cellText(cell: DomNode): string {
  return (cell.textContent ?? '').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/** Rows of this table only (not of tables nested inside its cells). */
function tableRows(table: DomNode): DomNode[][] {
  const rows: DomNode[][] = [];
  const visit = (node: DomNode): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeName === 'TR') {
        rows.push(Array.from(child.childNodes).filter((cell) => cell.nodeName === 'TD' || cell.nodeName === 'TH'));
      } else if (['THEAD', 'TBODY', 'TFOOT'].includes(child.nodeName)) {
        visit(child);
      }
    }
  };
  visit(table);
  return rows.filter((row) => row.length > 0);
}

function tableToPipeRows(table: DomNode): string {
  const rows = tableRows(table).map((row) => row.map(cellText));
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map((row) => row.length));
  const line = (cells: string[]): string =>
    '| ' + Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ') + ' |';
  const lines = [line(rows[0]), line(Array.from({ length: width }, () => '---')), ...rows.slice(1).map(line)];
  return '\n\n' + lines.join('\n') + '\n\n';
}

function listItem(content: string, node: DomNode): string {
  const parent = node.parentNode;
  let prefix = '- ';
  if (parent?.nodeName === 'OL') {
    const start = Number(parent.getAttribute?.('start') ?? 1) || 1;
    const siblings = Array.from(parent.childNodes).filter((child) => child.nodeName === 'LI');
    prefix = `${start + siblings.indexOf(node)}. `;
  }
  const indent = ' '.repeat(prefix.length);
  const body = content.replace(/^\n+/, '').replace(/\n+$/, '\n').replace(/\n(?=.)/g, '\n' + indent);
  return prefix + body + (node.nextSibling && !body.endsWith('\n') ? '\n' : '');
}

export function createHtmlToMarkdown(): (html: string) => string {
  const service = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    hr: '---',
  });
  // Markdown escapes ("snake\_case", "1\.") would end up inside every quoted citation.
  service.escape = (text: string) => text;
  service.remove(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'canvas', 'svg'] as never);
  service.addRule('plainEmphasis', { filter: ['strong', 'b', 'em', 'i', 'u', 'mark', 'small'], replacement: (content) => content });
  service.addRule('linkText', { filter: 'a', replacement: (content) => content });
  service.addRule('noImages', { filter: 'img', replacement: () => '' });
  service.addRule('pipeTable', { filter: 'table', replacement: (_content, node) => tableToPipeRows(node as unknown as DomNode) });
  service.addRule('heading', { filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], replacement: (content, node) => heading(content, node as unknown as DomNode) });
  service.addRule('listItem', { filter: 'li', replacement: (content, node) => listItem(content, node as unknown as DomNode) });

  return (html: string) =>
    service
      .turndown(html)
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
}
