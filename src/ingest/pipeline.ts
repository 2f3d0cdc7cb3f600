import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { DocumentSummary } from '../core/types.js';
import { TailorError, toTailorError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { silentLogger, type Logger, type ProgressListener } from '../core/logger.js';
import type { Store } from '../index/store.js';
import type { Embedder } from '../providers/types.js';
import type { ChunkOptions } from '../chunking/index.js';
import { walkPaths, type WalkedFile } from './walk.js';
import { readFileBytes, type LoadLimits } from './loaders/index.js';
import { createIsolatedLoader, type IsolatedLoader } from './isolated-loader.js';
import { createNearDuplicateIndex } from './dedup.js';
import type { PiiKind } from './redact.js';
import { documentIdFor } from './prepare.js';
import { summarise, type FileOutcome, type IngestReport } from './report.js';
import { createWriteBatcher } from './batcher.js';

export interface IngestOptions {
  store: Store;
  paths: string[];
  collection?: string;
  embedder?: Embedder;
  redact?: PiiKind[];
  include?: string[];
  exclude?: string[];
  chunking?: ChunkOptions;
  maxBytes?: number;
  /** Caps per file on decompressed bytes, nesting depth, load time and memory (see DEFAULT_LIMITS); time and memory are hard. */
  limits?: Partial<LoadLimits>;
  /** The worker files are parsed in; by default one of its own, stopped when the ingest ends. */
  loader?: IsolatedLoader;
  /** Jaccard similarity at or above which a document counts as a near duplicate. */
  nearDuplicateThreshold?: number;
  logger?: Logger;
  onProgress?: ProgressListener;
  abortSignal?: AbortSignal;
}

export const DEFAULT_COLLECTION = 'default';

/**
 * Files → documents → chunks → store. Each document is written whole or not at
 * all; a file that fails is reported and the rest go on. What is reported done
 * has been committed.
 */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  // Every file is parsed in a worker that is stopped at the time limit or when it outgrows its memory cap;
  // it starts while the paths are walked.
  const loader = options.loader ?? createIsolatedLoader();
  loader.warm({ limits: options.limits });
  try {
    return await ingestFiles(options, loader);
  } finally {
    if (!options.loader) await loader.close();
  }
}

async function ingestFiles(options: IngestOptions, loader: IsolatedLoader): Promise<IngestReport> {
  const started = performance.now();
  const collection = options.collection ?? DEFAULT_COLLECTION;
  const logger = options.logger ?? silentLogger;
  const walked = await walkPaths(options.paths, { include: options.include, exclude: options.exclude });
  const outcomes: FileOutcome[] = walked.errors.map(({ path, error }) => failed(path, error));
  // One human line per problem; the structured form is in the report.
  for (const { error } of walked.errors) logger.log('warn', `${error.message} [${error.code}]`);
  for (const entry of walked.skipped) logger.log('debug', `skipped ${entry.path}: ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`);

  const known = await options.store.doListDocuments({ filter: { collections: [collection] } });
  const bySource = new Map(known.map((d) => [d.source, d]));
  const byHash = new Map(known.map((d) => [d.contentHash, d]));
  const near = createNearDuplicateIndex(options.nearDuplicateThreshold ?? 0.9);
  for (const doc of known) if (doc.signature) near.add(doc.id, doc.signature);
  const sourceById = new Map(known.map((d) => [d.id, d.source]));

  const batcher = createWriteBatcher({ store: options.store, embedder: options.embedder, collection, logger });
  let bytesRead = 0;
  let done = 0;
  const total = walked.files.length;
  const progress = (item: string) => options.onProgress?.({ phase: 'ingest', done, total, item });

  for (const file of walked.files) {
    if (options.abortSignal?.aborted) throw new TailorError('ABORTED', 'Ingest was cancelled; every document reported done is stored.');
    try {
      const outcome = await ingestFile(file);
      if (outcome) outcomes.push(outcome);
    } catch (error) {
      const tailorError = toTailorError(error, 'PARSE_FAILED');
      outcomes.push(failed(file.path, tailorError));
      logger.log('warn', `${messageNaming(file.path, tailorError.message)} [${tailorError.code}]`);
    }
    done += 1;
    progress(file.path);
    if (batcher.full()) outcomes.push(...(await batcher.flush()));
  }
  outcomes.push(...(await batcher.flush()));
  return summarise(collection, outcomes, bytesRead, performance.now() - started, walked.skipped);

  async function ingestFile(file: WalkedFile): Promise<FileOutcome | undefined> {
    const source = file.path;
    const documentId = documentIdFor(collection, source);
    const { bytes } = await readFileBytes(source, { maxBytes: options.maxBytes });
    bytesRead += bytes.length;
    const contentHash = sha256Hex(bytes);
    const previous = bySource.get(source);
    if (previous?.contentHash === contentHash) return { status: 'unchanged', source, documentId };

    const sameContent = byHash.get(contentHash);
    let renamedFrom: DocumentSummary | undefined;
    if (sameContent && sameContent.source !== source) {
      if (isLocalPath(sameContent.source) && !existsSync(sameContent.source)) renamedFrom = sameContent;
      else return { status: 'duplicate', source, duplicateOf: sameContent.source, kind: 'exact', similarity: 1 };
    }

    const sizeBytes = bytes.length;
    // The bytes move to the worker (no second copy), which loads and chunks the file; only their hash and size are needed here after.
    const { prepared, warnings } = await loader.prepare({ path: source, bytes, format: file.format }, { maxBytes: options.maxBytes, limits: options.limits, transfer: true, abortSignal: options.abortSignal }, {
      collection, source, contentHash, sizeBytes, modifiedAt: file.modifiedAt, redact: options.redact, chunking: options.chunking,
    });
    if (!renamedFrom) {
      const similar = near.findSimilar(prepared.document.signature!, documentId);
      if (similar) {
        return { status: 'duplicate', source, duplicateOf: sourceById.get(similar.id) ?? similar.id, kind: 'near', similarity: similar.similarity };
      }
    }
    // Without its text and pages: these maps live for the whole ingest and would otherwise hold every document read.
    const { text: _text, pages: _pages, ...summary } = prepared.document;
    bySource.set(source, summary);
    byHash.set(contentHash, summary);
    sourceById.set(documentId, source);
    near.add(documentId, prepared.document.signature!);
    if (renamedFrom) {
      near.remove(renamedFrom.id);
      bySource.delete(renamedFrom.source);
    }
    const status = renamedFrom ? 'renamed' : previous ? 'changed' : 'new';
    await batcher.add({ prepared, status, renamedFrom: renamedFrom && { id: renamedFrom.id, source: renamedFrom.source }, warnings });
    return undefined;
  }
}

/** Loader messages start with the path; others get it in front, so every line names its file. */
function messageNaming(path: string, message: string): string {
  return message.includes(path) ? message : `${path}: ${message}`;
}

function isLocalPath(source: string): boolean {
  return isAbsolute(source) && !/^[a-z]+:\/\//i.test(source);
}

function failed(source: string, error: unknown): FileOutcome {
  const e = toTailorError(error);
  return { status: 'failed', source, error: { code: e.code, message: e.message } };
}
