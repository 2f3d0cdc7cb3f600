import type { DocumentFormat } from '../core/types.js';
import { sha256Hex } from '../core/hash.js';
import { toTailorError } from '../core/errors.js';
import { silentLogger, type Logger, type ProgressListener } from '../core/logger.js';
import type { Store } from '../index/store.js';
import type { Embedder } from '../providers/types.js';
import type { ChunkOptions } from '../chunking/index.js';
import type { PiiKind } from './redact.js';
import { prepareDocument } from './prepare.js';
import { createWriteBatcher } from './batcher.js';
import { summarise, type FileOutcome, type IngestReport } from './report.js';
import { DEFAULT_COLLECTION } from './pipeline.js';

export interface TextItem {
  /** Unique within the collection (a URL, a record id like "beir:1234"). */
  source: string;
  title?: string;
  text: string;
  format?: DocumentFormat;
  modifiedAt?: string;
  metadata?: Record<string, unknown>;
}

export interface IngestTextsOptions {
  store: Store;
  items: Iterable<TextItem> | AsyncIterable<TextItem>;
  collection?: string;
  embedder?: Embedder;
  redact?: PiiKind[];
  chunking?: ChunkOptions;
  /** Drop chunks whose exact text is already stored (default true; benchmarks turn it off). */
  dropDuplicateChunks?: boolean;
  logger?: Logger;
  onProgress?: ProgressListener;
}

/** Ingests text that did not come from files: records, API payloads, benchmark corpora. */
export async function ingestTexts(options: IngestTextsOptions): Promise<IngestReport> {
  const started = performance.now();
  const collection = options.collection ?? DEFAULT_COLLECTION;
  const logger = options.logger ?? silentLogger;
  const batcher = createWriteBatcher({ store: options.store, embedder: options.embedder, collection, logger, dropDuplicateChunks: options.dropDuplicateChunks });
  const outcomes: FileOutcome[] = [];
  let bytes = 0;
  let done = 0;
  for await (const item of options.items) {
    try {
      const contentHash = sha256Hex(item.text);
      bytes += Buffer.byteLength(item.text);
      const prepared = prepareDocument({
        collection, source: item.source, contentHash, sizeBytes: Buffer.byteLength(item.text),
        modifiedAt: item.modifiedAt ?? new Date().toISOString(),
        loaded: { text: item.text, title: item.title, format: item.format ?? 'text', metadata: item.metadata },
        redact: options.redact, chunking: options.chunking,
      });
      await batcher.add({ prepared, status: 'new' });
    } catch (error) {
      const e = toTailorError(error);
      outcomes.push({ status: 'failed', source: item.source, error: { code: e.code, message: e.message } });
    }
    done += 1;
    options.onProgress?.({ phase: 'ingest', done, item: item.source });
    if (batcher.full()) outcomes.push(...(await batcher.flush()));
  }
  outcomes.push(...(await batcher.flush()));
  return summarise(collection, outcomes, bytes, performance.now() - started);
}
