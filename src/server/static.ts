import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';

/** dist/web next to this file when built (dist/server → dist/web), or from the source tree. */
export function defaultWebRoot(): string | undefined {
  const candidates = [new URL('../web/', import.meta.url), new URL('../../dist/web/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Serves the web UI at `/`; unknown non-API GETs get index.html so client-side routes load. */
export function mountWebUi(app: Hono<any>, root: string): void {
  const index = readFileSync(join(root, 'index.html'), 'utf8');
  app.use('/*', serveStatic({ root }));
  app.get('*', (c) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path.startsWith('/v1/') || /\.[a-z0-9]+$/i.test(path)) return c.notFound();
    return c.html(index);
  });
}
