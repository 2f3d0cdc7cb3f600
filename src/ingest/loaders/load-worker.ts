/**
 * The worker thread `createIsolatedLoader` parses files in: it runs `loadDocument` for each
 * request and posts back the document or the error. Everything a parse can get stuck in or
 * blow up with (a quadratic regex, a huge table, a pathological PDF) happens here, where the
 * main thread can stop it by terminating the worker.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { toTailorError } from '../../core/errors.js';
import type { DocumentFormat } from '../../core/types.js';
import { loadDocument, type LoadOptions } from './index.js';

export interface LoadRequest {
  id: number;
  path: string;
  bytes: Uint8Array;
  format?: DocumentFormat;
  options: LoadOptions;
}

export type LoadReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; document: Awaited<ReturnType<typeof loadDocument>>; heapMb: number }
  | { type: 'failed'; id: number; error: { code: string; message: string; details: Record<string, unknown> }; heapMb: number };

/** The memory this worker's heap holds now, garbage included (what it adds to the process's RSS). */
function heapMb(): number {
  const heap = getHeapStatistics();
  return (heap.total_heap_size + heap.external_memory) / 1048576;
}

const port = parentPort;
if (!port) throw new Error('load-worker.js runs as a worker thread (createIsolatedLoader starts it).');

port.on('message', async (request: LoadRequest) => {
  let reply: LoadReply;
  try {
    const document = await loadDocument({ path: request.path, bytes: request.bytes, format: request.format }, request.options);
    reply = { type: 'done', id: request.id, document, heapMb: heapMb() };
  } catch (error) {
    reply = { type: 'failed', id: request.id, error: toTailorError(error, 'PARSE_FAILED').toJSON(), heapMb: heapMb() };
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' } satisfies LoadReply);
