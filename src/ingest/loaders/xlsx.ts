import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import type { LoadBudget } from './budget.js';
import { fileTitle, type LoaderInput } from './source.js';
import { firstElementText, localName, relationships, xmlEvents } from './xml.js';
import { openZip } from './zip.js';

/** Between a row's fields, as the CSV loader writes them. */
const FIELD_SEPARATOR = ' · ';

/** The shared-string table: cells of type "s" hold an index into it. */
function sharedStrings(xml: string | undefined, budget: LoadBudget): string[] {
  const strings: string[] = [];
  if (!xml) return strings;
  let current: string | undefined;
  let inText = false;
  let inPhonetic = false;
  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open') {
      const name = localName(event.name);
      if (name === 'si') current = '';
      else if (name === 't') inText = true;
      else if (name === 'rPh') inPhonetic = true; // phonetic guides repeat the text in kana
    } else if (event.type === 'close') {
      const name = localName(event.name);
      if (name === 'si' && current !== undefined) {
        strings.push(current);
        current = undefined;
      }
      else if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
    } else if (inText && !inPhonetic && current !== undefined) {
      current += event.text;
    }
  }
  return strings;
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** For each cell style index, whether its number format shows a date: such cells hold day serials. */
function dateStyles(xml: string | undefined, budget: LoadBudget): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open') {
      const name = localName(event.name);
      if (name === 'numFmt') {
        // Date codes use d, m, y (or h, s for times) outside quoted text and [colour] brackets.
        const code = (event.attrs.formatCode ?? '').replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
        custom.set(Number(event.attrs.numFmtId), /[dmyhs]/i.test(code));
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(event.attrs.numFmtId ?? 0);
        styles.push(custom.get(id) ?? BUILT_IN_DATE_FORMATS.has(id));
      }
    } else if (event.type === 'close' && localName(event.name) === 'cellXfs') inCellXfs = false;
  }
  return styles;
}

/** An Excel day serial (1900 date system) as an ISO date, with the time when it has one. */
function serialDate(serial: number): string {
  const date = new Date(Math.round((serial - 25569) * 86_400_000));
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** Zero-based column of a cell reference: "C7" → 2. */
function columnIndex(reference: string): number {
  let column = 0;
  for (const char of reference) {
    const code = char.toUpperCase().charCodeAt(0);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return column - 1;
}

/** A sheet's rows as arrays of cell text (sparse rows filled with empty strings). */
function sheetRows(xml: string, strings: string[], dates: boolean[], budget: LoadBudget): string[][] {
  const rows: string[][] = [];
  let row: string[] | undefined;
  let cell: { column: number; type: string; value: string; date: boolean } | undefined;
  let inValue = false;
  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open') {
      const name = localName(event.name);
      if (name === 'row') row = [];
      else if (name === 'c' && row) cell = { column: event.attrs.r ? columnIndex(event.attrs.r) : row.length, type: event.attrs.t ?? 'n', value: '', date: dates[Number(event.attrs.s ?? 0)] === true };
      else if ((name === 'v' || name === 't') && cell) inValue = true;
    } else if (event.type === 'close') {
      const name = localName(event.name);
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'c' && cell && row) {
        let text = cell.value;
        if (cell.type === 's') text = strings[Number(cell.value)] ?? '';
        else if (cell.type === 'b') text = cell.value === '1' ? 'TRUE' : 'FALSE';
        else if (cell.type === 'n' && cell.date && cell.value.trim() && Number.isFinite(Number(cell.value))) text = serialDate(Number(cell.value));
        if (cell.column >= 0 && cell.column < 16_384) {
          while (row.length < cell.column) row.push('');
          row[cell.column] = text.replace(/\s+/g, ' ').trim();
        }
        cell = undefined;
      } else if (name === 'row' && row) {
        if (row.some((value) => value.length > 0)) rows.push(row);
        row = undefined;
      }
    } else if (inValue && cell) {
      cell.value += event.text;
    }
  }
  return rows;
}

function columnNames(header: string[], width: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: width }, (_, index) => {
    const name = header[index]?.trim() || `column ${index + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

/**
 * Excel: each sheet a table under a heading of its name. The first non-empty row is the
 * header; every later row is written `Header: value · Header: value`, so whichever rows a
 * chunk holds, it carries the column names with them.
 */
export async function loadXlsx({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const zip = openZip(bytes, budget, 'XLSX');
  const workbook = zip.readText('xl/workbook.xml');
  if (workbook === undefined) {
    throw new TailorError('PARSE_FAILED', `${path} is not a readable XLSX (no xl/workbook.xml). Re-save it from Excel or LibreOffice as .xlsx.`, { details: { path } });
  }
  const rels = relationships(zip.readText('xl/_rels/workbook.xml.rels'), 'xl', budget);
  const strings = sharedStrings(zip.readText('xl/sharedStrings.xml'), budget);
  const dates = dateStyles(zip.readText('xl/styles.xml'), budget);
  const sections: string[] = [];
  const sheets: Array<{ name: string; rows: number; columns: string[] }> = [];
  for (const event of xmlEvents(workbook, budget)) {
    if (event.type !== 'open' || localName(event.name) !== 'sheet') continue;
    const relId = Object.entries(event.attrs).find(([key]) => key.includes(':') && localName(key) === 'id')?.[1];
    const part = relId ? rels.get(relId)?.target : undefined;
    const name = event.attrs.name ?? `Sheet ${sheets.length + 1}`;
    if (event.attrs.state === 'hidden' || event.attrs.state === 'veryHidden' || !part || !zip.has(part)) continue;
    const [header = [], ...body] = sheetRows(zip.readText(part) ?? '', strings, dates, budget);
    budget.checkTime(`sheet ${name}`);
    const width = body.reduce((widest, row) => Math.max(widest, row.length), header.length);
    const columns = columnNames(header, width);
    const lines = body
      .map((row) =>
        row
          .map((value, index) => (value ? `${columns[index]}: ${value}` : ''))
          .filter(Boolean)
          .join(FIELD_SEPARATOR),
      )
      .filter(Boolean);
    if (lines.length === 0 && header.every((value) => !value)) continue;
    // A one-row sheet is a list of values, not a header over nothing.
    const rowsText = lines.length > 0 ? lines.join('\n\n') : header.filter(Boolean).join(FIELD_SEPARATOR);
    sections.push(`# ${name.replace(/\s+/g, ' ')}\n\n${rowsText}`);
    sheets.push({ name, rows: body.length, columns });
  }
  if (sections.length === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} has no visible sheet with values.`, { details: { path } });
  }
  const title = firstElementText(zip.readText('docProps/core.xml'), 'title', budget) ?? fileTitle(path);
  return { text: sections.join('\n\n'), format: 'xlsx', title, metadata: { sheets } };
}
