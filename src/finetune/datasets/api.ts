import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { TailorError } from '../../core/errors.js';
import type { PiiKind } from '../../ingest/redact.js';
import { nameFrom } from '../names.js';
import type { DatasetExample, DatasetFormat, DatasetIssue, SplitName, TokenCounter } from '../types.js';
import { cleanExamples, type CleanReport } from './clean.js';
import { parseDataset, serializeDataset } from './formats.js';
import type { CsvColumns } from './parse-csv.js';
import { splitByDocument, type SplitReport } from './split.js';
import type { DatasetManifest, DatasetStore } from './store.js';
import { storesOf, type FinetuneStores } from '../stores.js';
import { approximateTokenCounter, exampleTokens } from './tokens.js';

export interface ImportDatasetOptions {
  home: string;
  /** Where datasets are kept (an opened Home); default: the files of `home`. */
  stores?: FinetuneStores;
  file: string;
  format: DatasetFormat;
  name?: string;
  columns?: CsvColumns;
  maxTokens?: number;
  countTokens?: TokenCounter;
  redact?: PiiKind[];
  dedupe?: boolean;
  /** Import the valid records even when others are invalid (they are still reported). */
  skipInvalid?: boolean;
  /** What to do when the dataset exists: refuse (default), append, or replace. */
  mode?: 'create' | 'append' | 'replace';
  /** The file's text when it is already in memory (an HTTP upload); `file` then only names it. */
  text?: string;
  /** The collection the imported examples belong to (the server files uploads under one, for access control). */
  collection?: string;
}

export interface ImportDatasetResult {
  manifest: DatasetManifest;
  records: number;
  imported: number;
  issues: DatasetIssue[];
  clean: CleanReport;
}

const ISSUES_IN_MESSAGE = 10;

/** Reads, validates, cleans and stores labelled data as a named dataset. */
export async function importDataset(options: ImportDatasetOptions): Promise<ImportDatasetResult> {
  // An upload has no path on this machine: its name is what errors and history show.
  const path = options.text !== undefined ? options.file : resolve(options.file);
  let text: string;
  try {
    text = options.text ?? (await readFile(path, 'utf8'));
  } catch (cause) {
    throw new TailorError('UNREADABLE_PATH', `Cannot read ${path}: ${(cause as Error).message}`, { cause, details: { path } });
  }
  const parsed = parseDataset(text, { format: options.format, origin: basename(path), columns: options.columns, maxTokens: options.maxTokens, countTokens: options.countTokens });
  if (parsed.issues.length > 0 && !options.skipInvalid) {
    const shown = parsed.issues.slice(0, ISSUES_IN_MESSAGE).map((i) => `  ${i.message}`).join('\n');
    const more = parsed.issues.length > ISSUES_IN_MESSAGE ? `\n  … and ${parsed.issues.length - ISSUES_IN_MESSAGE} more` : '';
    throw new TailorError('DATASET_INVALID', `${path} has ${parsed.issues.length} invalid record(s) of ${parsed.records}:\n${shown}${more}\nFix them, or pass --skip-invalid to import only the valid ones.`, {
      details: { path, issues: parsed.issues },
    });
  }
  if (parsed.examples.length === 0) {
    throw new TailorError('DATASET_INVALID', `${path} has no valid ${options.format} records.`, { details: { path, issues: parsed.issues } });
  }
  const name = options.name ?? nameFrom(basename(path));
  const store = storesOf(options).datasets;
  const existing = await existingExamples(store, name, options.mode ?? 'create');
  const collection = options.collection;
  const incoming = collection ? parsed.examples.map((e) => ({ ...e, provenance: { ...e.provenance, collection } })) : parsed.examples;
  const cleaned = cleanExamples([...existing.examples, ...incoming], { dedupe: options.dedupe, redact: options.redact });
  const manifest = await store.save(name, cleaned.examples, {
    operation: 'import',
    details: { file: path, format: options.format, records: parsed.records, invalid: parsed.issues.length, exactDuplicates: cleaned.report.exactDuplicates, nearDuplicates: cleaned.report.nearDuplicates.length, redactions: cleaned.report.redactions },
  }, { ifHash: existing.ifHash });
  return { manifest, records: parsed.records, imported: cleaned.examples.length - existing.examples.length, issues: parsed.issues, clean: cleaned.report };
}

async function existingExamples(store: DatasetStore, name: string, mode: 'create' | 'append' | 'replace'): Promise<{ examples: DatasetExample[]; ifHash?: string }> {
  if (!(await store.exists(name))) return { examples: [] };
  if (mode === 'create') {
    throw new TailorError('INVALID_ARGUMENT', `A dataset named "${name}" exists already. Choose another --name, or pass --append or --replace.`, { details: { dataset: name } });
  }
  if (mode !== 'append') return { examples: [] };
  const { examples, manifest } = await store.load(name);
  return { examples, ifHash: manifest.hash };
}

/** Saves built examples (from `buildFromCollection`) as a dataset, after redaction and de-duplication. */
export async function saveBuiltDataset(options: {
  home: string;
  stores?: FinetuneStores;
  name: string;
  examples: DatasetExample[];
  details: Record<string, unknown>;
  redact?: PiiKind[];
  dedupe?: boolean;
  mode?: 'create' | 'append' | 'replace';
}): Promise<{ manifest: DatasetManifest; clean: CleanReport }> {
  const store = storesOf(options).datasets;
  const existing = await existingExamples(store, options.name, options.mode ?? 'create');
  const cleaned = cleanExamples([...existing.examples, ...options.examples], { dedupe: options.dedupe, redact: options.redact });
  const manifest = await store.save(options.name, cleaned.examples, {
    operation: 'build',
    details: { ...options.details, exactDuplicates: cleaned.report.exactDuplicates, nearDuplicates: cleaned.report.nearDuplicates.length, redactions: cleaned.report.redactions },
  }, { ifHash: existing.ifHash });
  return { manifest, clean: cleaned.report };
}

/** Assigns train/validation/test by source document and stores the assignment. */
export async function splitDataset(options: { home: string; stores?: FinetuneStores; name: string; ratios?: [number, number, number]; seed?: number }): Promise<{ manifest: DatasetManifest; report: SplitReport }> {
  const store = storesOf(options).datasets;
  const { examples, manifest: loaded } = await store.load(options.name);
  const { examples: split, report } = splitByDocument(examples, { ratios: options.ratios, seed: options.seed });
  const manifest = await store.save(options.name, split, { operation: 'split', details: { by: 'document', ratios: report.ratios, seed: report.seed, groups: report.groups } }, { ifHash: loaded.hash });
  return { manifest, report };
}

/** Writes a stored dataset (or one split of it) to a file in a supported format. */
export async function exportDataset(options: { home: string; stores?: FinetuneStores; name: string; format: DatasetFormat; out: string; split?: SplitName }): Promise<{ path: string; count: number; warnings: string[] }> {
  const { examples } = await storesOf(options).datasets.load(options.name);
  const chosen = options.split ? examples.filter((e) => e.split === options.split) : examples;
  const { text, warnings } = serializeDataset(chosen, options.format);
  const path = resolve(options.out);
  await writeFile(path, text);
  return { path, count: chosen.length, warnings };
}

export interface TokenStats {
  min: number;
  median: number;
  p95: number;
  max: number;
  mean: number;
  total: number;
}

export interface DatasetDescription {
  manifest: DatasetManifest;
  tokens: TokenStats;
  tokenizer: 'approximate' | 'model';
  kinds: Record<string, number>;
  /** RAFT examples with and without their oracle chunk. */
  raft?: { withOracle: number; withoutOracle: number };
}

/** Counts, token lengths and sources of a stored dataset (`tailor dataset show`). */
export async function describeDataset(options: { home: string; stores?: FinetuneStores; name: string; countTokens?: TokenCounter }): Promise<DatasetDescription> {
  const { manifest, examples } = await storesOf(options).datasets.load(options.name);
  const count = options.countTokens ?? approximateTokenCounter;
  const lengths = examples.map((e) => exampleTokens(e.messages, count)).sort((a, b) => a - b);
  const kinds: Record<string, number> = {};
  for (const e of examples) kinds[e.provenance.kind] = (kinds[e.provenance.kind] ?? 0) + 1;
  const raftExamples = examples.filter((e) => e.provenance.kind === 'raft');
  return {
    manifest,
    tokens: tokenStats(lengths),
    tokenizer: options.countTokens ? 'model' : 'approximate',
    kinds,
    ...(raftExamples.length > 0
      ? { raft: { withOracle: raftExamples.filter((e) => e.provenance.oracleChunkId).length, withoutOracle: raftExamples.filter((e) => !e.provenance.oracleChunkId).length } }
      : {}),
  };
}

function tokenStats(sorted: number[]): TokenStats {
  if (sorted.length === 0) return { min: 0, median: 0, p95: 0, max: 0, mean: 0, total: 0 };
  const total = sorted.reduce((a, b) => a + b, 0);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { min: sorted[0], median: at(0.5), p95: at(0.95), max: sorted.at(-1)!, mean: Math.round((total / sorted.length) * 10) / 10, total };
}
