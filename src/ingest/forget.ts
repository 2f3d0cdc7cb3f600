import { resolve } from 'node:path';
import { TailorError } from '../core/errors.js';
import type { Store } from '../index/store.js';

export interface ForgetReport {
  documents: Array<{ documentId: string; source: string; collection: string }>;
  chunksRemoved: number;
}

/**
 * Erases documents named by id or source (in one collection, or in all) with
 * everything derived from them: chunks, vectors and index postings.
 */
export async function forget(options: { store: Store; target: string; collection?: string }): Promise<ForgetReport> {
  const filter = options.collection ? { collections: [options.collection] } : undefined;
  const candidates = [options.target, resolve(options.target)];
  let found = await options.store.doListDocuments({ filter, ids: [options.target] });
  if (found.length === 0) found = await options.store.doListDocuments({ filter, sources: candidates });
  if (found.length === 0) {
    throw new TailorError('NOT_FOUND', `No stored document has the id or source "${options.target}". List them with \`tailor documents\`.`);
  }
  const written = await options.store.doWrite({ deletes: found.map((d) => d.id) });
  return {
    documents: found.map((d) => ({ documentId: d.id, source: d.source, collection: d.collection })),
    chunksRemoved: written.chunksRemoved,
  };
}
