/**
 * The worker thread `createIsolatedLoader` parses files in: it runs `loadDocument` (and, for
 * ingest, `prepareDocument`: redaction, near-duplicate signature, chunking) for each request and
 * posts back the result or the error. Everything a parse can get stuck in or blow up with (a
 * quadratic regex, a huge table, a pathological PDF) happens here, where the main thread can stop
 * it by terminating the worker, and the garbage a large document leaves dies with this heap.
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { toTailorError } from '../core/errors.js';
import type { DocumentFormat, LoadedDocument } from '../core/types.js';
import { loadDocument, type LoadOptions } from './loaders/index.js';
import { prepareDocument, type PrepareInput, type PreparedDocument } from './prepare.js';

export interface ParseRequest {
  id: number;
  path: string;
  bytes: Uint8Array;
  format?: DocumentFormat;
  options: LoadOptions;
  /** When given, the loaded document is also prepared (chunked) and only that comes back. */
  prepare?: Omit<PrepareInput, 'loaded'>;
}

export type ParseResult = { document: LoadedDocument } | { prepared: PreparedDocument; warnings?: string[] };

export type ParseReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: ParseResult; heapMb: number }
  | { type: 'failed'; id: number; error: { code: string; message: string; details: Record<string, unknown> }; heapMb: number };

/**
 * What this worker keeps after a file: its old generation (garbage included, until a full GC) and
 * buffers outside the heap. The young generation is left out: it is a fixed 32 MB that empties itself.
 */
function heapMb(): number {
  const oldSpaces = getHeapSpaceStatistics().filter((space) => !space.space_name.startsWith('new_'));
  const used = oldSpaces.reduce((sum, space) => sum + space.space_size, 0);
  return (used + getHeapStatistics().external_memory) / 1048576;
}

async function parse(request: ParseRequest): Promise<ParseResult> {
  const document = await loadDocument({ path: request.path, bytes: request.bytes, format: request.format }, request.options);
  if (!request.prepare) return { document };
  const prepared = prepareDocument({ ...request.prepare, loaded: document });
  return { prepared, ...(document.warnings?.length ? { warnings: document.warnings } : {}) };
}

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread (createIsolatedLoader starts it).');

port.on('message', async (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { type: 'done', id: request.id, result: await parse(request), heapMb: heapMb() };
  } catch (error) {
    reply = { type: 'failed', id: request.id, error: toTailorError(error, 'PARSE_FAILED').toJSON(), heapMb: heapMb() };
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies ParseReply);
