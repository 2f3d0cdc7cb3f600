import { Hono } from 'hono';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
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
  app.get('/', (c) => c.json(deps.keys.list()));
  app.post('/', async (c) => {
    const body = await readJson(c, createKeySchema);
    const { id, key, summary } = deps.keys.create(body);
    return c.json({ id, key, ...summary }, 201);
  });
  app.delete('/:id', (c) => {
    deps.keys.revoke(c.req.param('id'));
    return c.json({ id: c.req.param('id'), revoked: true });
  });
  return app;
}
