import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { sha256Hex } from '../../core/hash.js';
import { extname, isAbsolute } from 'node:path';
import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import type { Principal } from '../keys.js';
import { readScope, requireWrite } from '../auth.js';

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf', '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.md': 'text/markdown; charset=utf-8', '.markdown': 'text/markdown; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/plain; charset=utf-8', '.htm': 'text/plain; charset=utf-8', // never rendered as a page of ours
  '.csv': 'text/csv; charset=utf-8', '.json': 'application/json', '.jsonl': 'application/x-ndjson',
};

/** /api/documents/:id — a document outside the caller's grants is a 404, exactly like a missing one. */
export function documentRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  async function find(principal: Principal, id: string, withText = false) {
    const [doc] = await deps.tailor.store.doListDocuments({ ids: [id], filter: { collections: readScope(principal) }, withText });
    if (!doc) throw new TailorError('NOT_FOUND', 'No such document (or your key has no access to it); document ids come from search results and document lists.');
    return doc;
  }

  app.get('/:id', async (c) => {
    const { text, pages, ...document } = await find(principalOf(c), c.req.param('id'), true);
    return c.json({ document, text: text ?? '', pages: pages ?? [] });
  });

  app.get('/:id/file', async (c) => {
    const doc = await find(principalOf(c), c.req.param('id'));
    const bytes = await readIngestedFile(doc.source, doc.contentHash);
    if (!bytes) {
      throw new TailorError('NOT_FOUND', `The original file of "${doc.title}" is not on the server's disk as it was ingested (gone, changed or replaced by a link); GET /api/documents/${doc.id} has its text.`);
    }
    c.header('Content-Type', CONTENT_TYPES[extname(doc.source).toLowerCase()] ?? 'application/octet-stream');
    c.header('Content-Disposition', `inline; filename="${encodeURIComponent(doc.source.split(/[\\/]/).pop() ?? 'file')}"`);
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(new Uint8Array(bytes));
  });

  app.delete('/:id', async (c) => {
    const principal = principalOf(c);
    const doc = await find(principal, c.req.param('id'));
    requireWrite(principal, doc.collection);
    // Erasure reaches fine-tuning too: examples derived from the document, and adapters trained on them.
    const report = await deps.jobs.exclusive(async () => {
      const forgotten = await deps.owner.deleteDocument(doc.id);
      return { ...forgotten, lineage: { datasets: forgotten.erasure.datasets.length, adapters: forgotten.erasure.adapters.map((a) => a.name) } };
    });
    // The uploaded original (if any) went with the document: Home's erase path removes it.
    deps.catalog.invalidate();
    return c.json(report);
  });

  return app;
}

/**
 * The bytes that were ingested, or undefined: the path must still be a regular file (a link put
 * in its place is never followed) whose content hashes to what was stored.
 */
async function readIngestedFile(source: string, contentHash: string): Promise<Uint8Array | undefined> {
  if (!isAbsolute(source)) return undefined;
  try {
    const handle = await open(source, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      const bytes = await handle.readFile();
      return sha256Hex(bytes) === contentHash ? bytes : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}
