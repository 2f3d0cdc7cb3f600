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

export async function loadCsv({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  const delimiter = chooseDelimiter(path, source);
  let header: string[] = [];
  let rows: string[][];
  try {
    rows = parse(source, { delimiter, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TailorError(
      'PARSE_FAILED',
      `${path} is not valid CSV${line ? ` at line ${line}` : ''}: ${reason}. Fix that line (quotes must be closed, every row needs the header's column count).`,
      { cause: error, details: { path, line, delimiter } },
    );
  }
  [header = [], ...rows] = rows;
  const columns = columnNames(header);
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
  return {
    text: lines.join('\n'),
    format: 'csv',
    title: fileTitle(path),
    metadata: { columns, rowCount: rows.length, delimiter },
  };
}
