import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { decodeText } from './guards.js';
import { lineAndColumn, RECORD_SEPARATOR, recordText } from './records.js';
import { fileTitle, type LoaderInput } from './source.js';

/** Where JSON.parse failed, from the "at position N" V8 puts in its messages (end of input otherwise). */
function failurePosition(error: unknown, source: string): number {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : source.length;
}

function parseFailure(path: string, error: unknown, where: { line: number; column: number }, hint: string): TailorError {
  const reason = error instanceof Error ? error.message : String(error);
  return new TailorError('PARSE_FAILED', `${path} is not valid JSON at line ${where.line}, column ${where.column}: ${reason}. ${hint}`, {
    cause: error,
    details: { path, ...where },
  });
}

function recordsAsDocument(path: string, format: 'json' | 'jsonl', records: unknown[]): LoadedDocument {
  const blocks = records.map(recordText).filter((block) => block.trim().length > 0);
  if (blocks.length === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} holds no values (empty array, object or only nulls).`, { details: { path } });
  }
  return {
    text: blocks.join(RECORD_SEPARATOR),
    format,
    title: fileTitle(path),
    metadata: { recordCount: records.length },
  };
}

/** The values of JSON Lines text, or undefined when some non-blank line is not JSON. */
function parseLinesLeniently(source: string): unknown[] | undefined {
  const records: unknown[] = [];
  for (const line of source.split('\n')) {
    if (line.trim().length === 0) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      return undefined;
    }
  }
  return records.length > 1 ? records : undefined;
}

export async function loadJson({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    // Many ".json" exports are really JSON Lines; reading them beats rejecting them.
    const lines = parseLinesLeniently(source);
    if (lines) {
      const document = recordsAsDocument(path, 'json', lines);
      return { ...document, warnings: ['The file holds one JSON value per line (JSON Lines); read it as such. Rename it to .jsonl to silence this.'] };
    }
    throw parseFailure(path, error, lineAndColumn(source, failurePosition(error, source)), 'Fix the syntax there (a validator such as `jq . file.json` shows it too).');
  }
  return recordsAsDocument(path, 'json', Array.isArray(value) ? value : [value]);
}

/** JSON Lines: one JSON value per line; blank lines are allowed. */
export async function loadJsonl({ path, bytes }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  const records: unknown[] = [];
  source.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      const column = lineAndColumn(line, failurePosition(error, line)).column;
      throw parseFailure(path, error, { line: index + 1, column }, 'Each line must be one complete JSON value.');
    }
  });
  return recordsAsDocument(path, 'jsonl', records);
}
