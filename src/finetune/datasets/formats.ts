import { stableId } from '../../core/hash.js';
import type { DatasetExample, DatasetFormat, DatasetIssue, TokenCounter } from '../types.js';
import { DATASET_FORMATS } from '../types.js';
import { TailorError } from '../../core/errors.js';
import { parseChat, serializeChat } from './parse-chat.js';
import { jsonArrayLines, parseAlpaca, toAlpacaRecord } from './parse-alpaca.js';
import { parseShareGpt, toShareGptRecord } from './parse-sharegpt.js';
import { parseCsv, serializeCsv, type CsvColumns } from './parse-csv.js';
import type { Message, ParseResult } from './records.js';
import { approximateTokenCounter, exampleTokens } from './tokens.js';

export interface ParseDatasetOptions {
  format: DatasetFormat;
  /** Shown in provenance and errors (`file:line`). */
  origin?: string;
  /** CSV only. */
  columns?: CsvColumns;
  /** Examples longer than this (in `countTokens` tokens) are reported as too long. */
  maxTokens?: number;
  countTokens?: TokenCounter;
}

export interface ParsedDataset {
  examples: DatasetExample[];
  /** Every record that was rejected, with its line and what was wrong. */
  issues: DatasetIssue[];
  /** Records read, valid or not. */
  records: number;
}

export function assertDatasetFormat(format: string): DatasetFormat {
  if (!(DATASET_FORMATS as readonly string[]).includes(format)) {
    throw new TailorError('INVALID_ARGUMENT', `Unknown dataset format "${format}": use one of ${DATASET_FORMATS.join(', ')}.`);
  }
  return format as DatasetFormat;
}

/** The id of an example is the hash of its messages: identical examples share an id. */
export function exampleIdFor(messages: Message[]): string {
  return stableId('example', JSON.stringify(messages.map((m) => [m.role, m.content])));
}

/** Reads labelled data in one of the supported formats and validates every record. */
export function parseDataset(text: string, options: ParseDatasetOptions): ParsedDataset {
  const parsed = parseByFormat(text, options);
  const countTokens = options.countTokens ?? approximateTokenCounter;
  const issues = [...parsed.issues];
  const examples: DatasetExample[] = [];
  for (const record of parsed.records) {
    if (options.maxTokens !== undefined) {
      const tokens = exampleTokens(record.messages, countTokens);
      if (tokens > options.maxTokens) {
        issues.push({ line: record.line, problem: 'too-long', message: `line ${record.line}: ${tokens} tokens, over the limit of ${options.maxTokens} for the target model` });
        continue;
      }
    }
    const example: DatasetExample = {
      id: exampleIdFor(record.messages),
      messages: record.messages,
      provenance: { kind: 'import', documentIds: [], chunkIds: [], origin: options.origin ? `${options.origin}:${record.line}` : `line ${record.line}` },
    };
    if (record.alpacaPrompt) example.alpacaPrompt = record.alpacaPrompt;
    examples.push(example);
  }
  issues.sort((a, b) => a.line - b.line);
  return { examples, issues, records: parsed.records.length + parsed.issues.length };
}

function parseByFormat(text: string, options: ParseDatasetOptions): ParseResult {
  switch (options.format) {
    case 'chat':
      return parseChat(text);
    case 'alpaca':
      return parseAlpaca(text);
    case 'sharegpt':
      return parseShareGpt(text);
    case 'csv':
      return parseCsv(text, options.columns);
  }
}

/** Writes examples in a supported format; `warnings` names anything the format could not hold. */
export function serializeDataset(examples: Array<Pick<DatasetExample, 'messages' | 'alpacaPrompt'>>, format: DatasetFormat): { text: string; warnings: string[] } {
  switch (format) {
    case 'chat':
      return { text: serializeChat(examples), warnings: [] };
    case 'alpaca':
      return { text: jsonArrayLines(examples.map(toAlpacaRecord)), warnings: [] };
    case 'sharegpt':
      return { text: jsonArrayLines(examples.map(toShareGptRecord)), warnings: [] };
    case 'csv':
      return serializeCsv(examples);
  }
}
