import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TailorError } from '../core/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../io/atomic-file.js';
import type { IngestReport } from '../ingest/report.js';
import { principalOf, type AppContext, type ServerDeps } from './context.js';
import type { JobRun, JobSpec, JobView } from './jobs.js';
import { formatBytes } from './limits.js';

/**
 * Saves the multipart field `files` under <home>/uploads/<collection>/ and queues
 * one ingest job for them. Limits are checked before anything is written.
 */
export async function uploadFiles(deps: ServerDeps, c: AppContext, collection: string): Promise<JobView> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new TailorError('INVALID_ARGUMENT', 'Uploads are multipart/form-data with one or more files in the field "files".');
  }
  // A place in the queue first, so a full queue costs the client a 429, not the server a parsed upload.
  const slot = await deps.jobs.reserve(principalOf(c).keyId, 'upload');
  try {
    const body = await c.req.parseBody({ all: true });
    const field = body.files ?? body['files[]'];
    const files = (Array.isArray(field) ? field : field === undefined ? [] : [field]).filter((f): f is File => typeof f !== 'string');
    if (files.length === 0) throw new TailorError('INVALID_ARGUMENT', 'No files in the upload: send them in the multipart field "files".');
    for (const file of files) {
      if (file.size > deps.limits.maxFileBytes) {
        throw new TailorError('PAYLOAD_TOO_LARGE', `"${file.name}" is ${formatBytes(file.size)}, over the per-file limit of ${formatBytes(deps.limits.maxFileBytes)}; split it or raise the limit (--max-file-mb).`, {
          details: { file: file.name, sizeBytes: file.size, limitBytes: deps.limits.maxFileBytes },
        });
      }
    }
    const dir = deps.catalog.uploadsDir(collection);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const paths: string[] = [];
    const saved = new Map<string, Uint8Array>();
    for (const file of files) {
      const path = join(dir, safeFileName(file.name));
      const bytes = new Uint8Array(await file.arrayBuffer());
      await writeFile(path, bytes, { mode: PRIVATE_FILE_MODE });
      await chmod(path, PRIVATE_FILE_MODE); // an existing file keeps its old mode through writeFile
      if (!paths.includes(path)) paths.push(path);
      saved.set(path, bytes); // the last file of a name wins, as on disk
    }
    // The bytes go with the job: a queue shared by replicas keeps them for whichever replica runs it.
    return await slot.submit({ kind: 'upload', spec: { collection, paths }, total: paths.length, files: [...saved].map(([path, bytes]) => ({ path, bytes })) });
  } finally {
    slot.release();
  }
}

/** Ingests an upload's saved files; persisted as a spec, so it also runs for a job resumed after a restart. */
export function uploadRunner(deps: Pick<ServerDeps, 'tailor' | 'catalog' | 'metrics' | 'limits'>) {
  return async ({ collection, paths }: JobSpec, job: JobRun): Promise<IngestReport> => {
    const report = await deps.tailor.ingest({
      paths, collection, maxBytes: deps.limits.maxFileBytes, abortSignal: job.signal,
      limits: { maxMillis: deps.limits.maxLoadMillis, maxMemoryMb: deps.limits.maxLoadMemoryMb },
      onProgress: (event) => job.progress(event.done, event.total ?? paths.length),
    });
    deps.catalog.recordOutcomes(collection, report.files);
    deps.metrics.addIngestedDocuments(report.counts.new + report.counts.changed + report.counts.renamed);
    return report;
  };
}

/** Keeps only the last path segment and a conservative alphabet, so a name cannot leave the folder. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\w.\- ()+,@]/g, '_').replace(/^\.+/, '').slice(-200);
  return cleaned || 'upload';
}
