import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import type { LoadBudget } from './budget.js';
import { checkNotEmpty } from './guards.js';
import { fileTitle, type LoaderInput } from './source.js';
import { firstElementText, localName, xmlEvents } from './xml.js';
import { openZip } from './zip.js';

/** Parts of an ODF body that are not the text a reader sees. */
// Footnotes are dropped: their paragraphs sit inside the paragraph that cites them.
const SKIPPED = new Set(['tracked-changes', 'annotation', 'note', 'sequence-decls', 'variable-decls', 'user-field-decls', 'forms']);

/** ODF text (content.xml) → Markdown: headings by outline level, paragraphs, list items, tables as pipe rows. */
export function odfTextToMarkdown(xml: string, budget: LoadBudget): string {
  const blocks: string[] = [];
  let skip = 0;
  let paragraph: { text: string; prefix: string } | undefined;
  const lists: number[] = [];
  let row: string[] | undefined;
  let cell: string[] | undefined;
  let tableRows: string[][] | undefined;

  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open') {
      const name = localName(event.name);
      if (SKIPPED.has(name)) {
        if (!event.selfClosing) skip += 1;
        continue;
      }
      if (skip > 0) continue;
      if (name === 'h') {
        const level = Math.min(6, Math.max(1, Number(event.attrs['text:outline-level'] ?? 1) || 1));
        paragraph = { text: '', prefix: `${'#'.repeat(level)} ` };
      } else if (name === 'p') {
        paragraph = { text: '', prefix: lists.length > 0 && !cell ? `${'  '.repeat(lists.length - 1)}- ` : '' };
      } else if (name === 'list') lists.push(0);
      else if (name === 'table' && !tableRows) tableRows = [];
      else if (name === 'table-row' && tableRows) row = [];
      else if (name === 'table-cell' && row) cell = [];
      else if (paragraph && name === 's') paragraph.text += ' '.repeat(Number(event.attrs['text:c'] ?? 1) || 1);
      else if (paragraph && name === 'tab') paragraph.text += '\t';
      else if (paragraph && name === 'line-break') paragraph.text += '\n';
    } else if (event.type === 'close') {
      const name = localName(event.name);
      if (SKIPPED.has(name)) {
        skip = Math.max(0, skip - 1);
        continue;
      }
      if (skip > 0) continue;
      if ((name === 'h' || name === 'p') && paragraph) {
        const text = paragraph.text.replace(/[ \t]+/g, ' ').trim();
        if (text) {
          if (cell) cell.push(text);
          else blocks.push(paragraph.prefix + text);
        }
        paragraph = undefined;
      } else if (name === 'list') lists.pop();
      else if (name === 'table-cell' && cell && row) {
        row.push(cell.join(' ').replace(/\|/g, '\\|'));
        cell = undefined;
      } else if (name === 'table-row' && row && tableRows) {
        if (row.some(Boolean)) tableRows.push(row);
        row = undefined;
      } else if (name === 'table' && tableRows) {
        if (tableRows.length > 0) {
          const width = tableRows.reduce((widest, r) => Math.max(widest, r.length), 0);
          const line = (cells: string[]) => '| ' + Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ') + ' |';
          blocks.push([line(tableRows[0]), line(Array(width).fill('---')), ...tableRows.slice(1).map(line)].join('\n'));
        }
        tableRows = undefined;
      }
    } else if (paragraph && skip === 0) {
      paragraph.text += event.text;
    }
  }
  // Consecutive list items stay one list; everything else is separated by a blank line.
  return blocks.reduce((out, block, index) => {
    if (index === 0) return block;
    const together = /^\s*- /.test(block) && /^\s*- /.test(blocks[index - 1]);
    return out + (together ? '\n' : '\n\n') + block;
  }, '');
}

/** OpenDocument text (.odt): content.xml as Markdown; the title from meta.xml or the first heading. */
export async function loadOdt({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const zip = openZip(bytes, budget, 'ODT');
  const content = zip.readText('content.xml');
  if (content === undefined) {
    throw new TailorError('PARSE_FAILED', `${path} is not a readable ODT (no content.xml). Re-save it from LibreOffice or Word as .odt.`, { details: { path } });
  }
  const text = odfTextToMarkdown(content, budget);
  checkNotEmpty(text, path);
  const heading = /^#{1,6} (.+)$/m.exec(text)?.[1];
  const title = firstElementText(zip.readText('meta.xml'), 'title', budget) ?? heading ?? fileTitle(path);
  return { text, format: 'odt', title };
}
