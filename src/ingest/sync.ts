import { lstatSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Store } from '../index/store.js';
import { ingest, DEFAULT_COLLECTION, type IngestOptions } from './pipeline.js';
import type { IngestReport } from './report.js';

export interface SyncReport {
  collection: string;
  removed: Array<{ documentId: string; source: string }>;
  ingest: IngestReport;
}

/**
 * A stored file counts as still there only while it is a regular file: one replaced by a
 * symbolic link (say to /etc/passwd) is gone, as a first ingest would never have followed the
 * link either. Its document is erased rather than re-read through the link.
 */
function isPlainFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Brings a collection in line with the file system: documents whose file is gone
 * (or replaced by a link) are erased, changed files re-indexed, and any `paths` given scanned for new ones.
 */
export async function syncCollection(options: Omit<IngestOptions, 'paths'> & { paths?: string[] }): Promise<SyncReport> {
  const collection = options.collection ?? DEFAULT_COLLECTION;
  const store: Store = options.store;
  const documents = await store.doListDocuments({ filter: { collections: [collection] } });
  const local = documents.filter((d) => isAbsolute(d.source));
  const gone = local.filter((d) => !isPlainFile(d.source));
  if (gone.length > 0) await store.doWrite({ deletes: gone.map((d) => d.id) });
  const stillThere = local.filter((d) => isPlainFile(d.source)).map((d) => d.source);
  const report = await ingest({ ...options, collection, paths: [...stillThere, ...(options.paths ?? [])] });
  return { collection, removed: gone.map((d) => ({ documentId: d.id, source: d.source })), ingest: report };
}
