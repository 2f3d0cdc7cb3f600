import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { decodeText } from './guards.js';
import { lineAndColumn, RECORD_SEPARATOR, recordText } from './records.js';
import { fileTitle, type LoaderInput } from './source.js';
import { checkJsonDepth, scanJsonArray } from './json-scan.js';
import type { LoadBudget } from './budget.js';

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
  return blocksAsDocument(path, format, records.map(recordText), records.length);
}

function blocksAsDocument(path: string, format: 'json' | 'jsonl', allBlocks: string[], recordCount: number): LoadedDocument {
  const blocks = allBlocks.filter((block) => block.trim().length > 0);
  if (blocks.length === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} holds no values (empty array, object or only nulls).`, { details: { path } });
  }
  return {
    text: blocks.join(RECORD_SEPARATOR),
    format,
    title: fileTitle(path),
    metadata: { recordCount },
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

/**
 * A top-level array is read element by element (each parsed, turned into text and dropped),
 * so memory follows the text, not a tree of every value at once.
 */
function streamArray(path: string, source: string, budget: LoadBudget): LoadedDocument | undefined {
  // Records are joined in groups as they come, so a million small records are a few hundred strings, not a million.
  const groups: string[] = [];
  let group: string[] = [];
  let count = 0;
  let failure: { error: unknown; offset: number } | undefined;
  const complete = scanJsonArray(source, budget, (text, offset) => {
    if (failure) return;
    try {
      count += 1;
      const block = recordText(JSON.parse(text));
      if (block.trim().length > 0) group.push(block);
      if (group.length === GROUP_SIZE) {
        groups.push(group.join(RECORD_SEPARATOR));
        group = [];
      }
    } catch (error) {
      // Past what the engine's recursive parser can nest, the cap was raised beyond what can be read.
      if (error instanceof RangeError) throw budget.depthError('arrays and objects (past what the JSON parser can read)', error);
      failure = { error, offset: offset + failurePosition(error, text) };
    }
  });
  if (failure) {
    throw parseFailure(path, failure.error, lineAndColumn(source, failure.offset), 'Fix the syntax there (a validator such as `jq . file.json` shows it too).');
  }
  if (!complete) return undefined;
  if (group.length > 0) groups.push(group.join(RECORD_SEPARATOR));
  return blocksAsDocument(path, 'json', groups, count);
}

/** Records joined per group while streaming an array. */
const GROUP_SIZE = 2048;

export async function loadJson({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  const streamed = streamArray(path, source, budget);
  if (streamed) return streamed;
  checkJsonDepth(source, budget);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    if (error instanceof RangeError) throw budget.depthError('arrays and objects (past what the JSON parser can read)', error);
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
export async function loadJsonl({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const source = decodeText(bytes, path);
  const records: string[] = [];
  source.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) return;
    checkJsonDepth(line, budget);
    try {
      records.push(recordText(JSON.parse(line)));
    } catch (error) {
      const column = lineAndColumn(line, failurePosition(error, line)).column;
      throw parseFailure(path, error, { line: index + 1, column }, 'Each line must be one complete JSON value.');
    }
  });
  return blocksAsDocument(path, 'jsonl', records, records.length);
}
