import { Hono } from 'hono';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { TailorError } from '../../core/errors.js';
import { requireRole } from '../auth.js';
import { readJson } from '../limits.js';
import { createKeySchema } from '../schemas.js';

/** Admin-only key management; secrets are returned once, at creation. */
export function keyRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    requireRole(principalOf(c), 'admin');
    return next();
  });
  app.get('/', async (c) => c.json(await deps.keys.list({ by: principalOf(c) })));
  app.post('/', async (c) => {
    // Running open, any page the browser visits could reach us: the first key comes from the CLI.
    if (await deps.keys.isEmpty()) {
      throw new TailorError('FORBIDDEN', 'The server runs open (no keys yet), so keys cannot be created over HTTP: create the first one with `tailor keys create --role admin --collections "*" --name admin` and restart nothing, it is picked up.');
    }
    const body = await readJson(c, createKeySchema);
    const { id, key, summary } = await deps.keys.create(body, { by: principalOf(c) });
    return c.json({ id, key, ...summary }, 201);
  });
  app.delete('/:id', async (c) => {
    await deps.keys.revoke(c.req.param('id'), { by: principalOf(c) });
    return c.json({ id: c.req.param('id'), revoked: true });
  });
  return app;
}
