import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { decodeText } from './guards.js';
import { fileTitle, type LoaderInput } from './source.js';

const FIELD_SEPARATOR = ' · ';
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];

/** .tsv is tab-separated; a .csv uses whichever candidate its header line has most of (Excel in many locales writes ';'). */
function chooseDelimiter(path: string, text: string): string {
  if (extname(path).toLowerCase() === '.tsv') return '\t';
  const header = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  let best = ',';
  let bestCount = 0;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const count = header.split(delimiter).length - 1;
    if (count > bestCount) [best, bestCount] = [delimiter, count];
  }
  return best;
}

/** Blank headers get a positional name and repeated ones a suffix, so no column is silently dropped. */
function columnNames(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, index) => {
    const name = raw.trim() || `column ${index + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Ragged rows named in a warning; the report would be unreadable past this many. */
const RAGGED_SHOWN = 20;

export async function loadCsv({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  const delimiter = chooseDelimiter(path, source);
  let header: string[] = [];
  let rows: string[][];
  const raggedLines: number[] = [];
  try {
    // Spreadsheet exports often have rows with missing or extra cells: they are read, and reported.
    const parsed = parse(source, { delimiter, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    const width = parsed[0]?.record.length ?? 0;
    rows = parsed.map(({ record, info }) => {
      if (record.length !== width) raggedLines.push(info.lines);
      return record;
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TailorError(
      'PARSE_FAILED',
      `${path} is not valid CSV${line ? ` at line ${line}` : ''}: ${reason}. Fix that line (a quoted field must be closed by a matching quote).`,
      { cause: error, details: { path, line, delimiter } },
    );
  }
  budget.checkTime('parsing CSV');
  [header = [], ...rows] = rows;
  const width = rows.reduce((widest, row) => Math.max(widest, row.length), header.length);
  const columns = columnNames([...header, ...Array<string>(width - header.length).fill('')]);
  const lines = rows
    .map((row) =>
      row
        .map((value, index) => [columns[index], oneLine(value)] as const)
        .filter(([, value]) => value.length > 0)
        .map(([column, value]) => `${column}: ${value}`)
        .join(FIELD_SEPARATOR),
    )
    .filter((line) => line.length > 0);
  if (lines.length === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} has a header but no rows with values.`, {
      details: { path, columns },
    });
  }
  const warnings =
    raggedLines.length > 0
      ? [
          `${raggedLines.length} row(s) have a different number of fields than the header's ${header.length} (line${raggedLines.length === 1 ? '' : 's'} ` +
            `${raggedLines.slice(0, RAGGED_SHOWN).join(', ')}${raggedLines.length > RAGGED_SHOWN ? ', …' : ''}); they were read as they are, extra fields under "column N".`,
        ]
      : [];
  return {
    text: lines.join('\n'),
    format: 'csv',
    title: fileTitle(path),
    metadata: { columns, rowCount: rows.length, delimiter, ...(raggedLines.length > 0 ? { raggedLines } : {}) },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
