import { Hono } from 'hono';
import { TailorError } from '../../core/errors.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';

/** GET /api/traces: recent answers whose every collection the caller is granted. */
export function traceRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 50) || 50, 1), 1000);
    return c.json(deps.traces.list(principalOf(c), limit));
  });
  app.get('/:id', (c) => {
    const trace = deps.traces.get(principalOf(c), c.req.param('id'));
    if (!trace) throw new TailorError('NOT_FOUND', `No trace "${c.req.param('id')}" (only the most recent answers are kept).`);
    return c.json(trace);
  });
  return app;
}
