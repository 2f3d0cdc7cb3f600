import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const CALLER_ID = /^[\w.:-]{1,128}$/;

/**
 * Every response carries `x-request-id`: the caller's own id when it sent a sane
 * one (so its logs and ours line up), otherwise a fresh one. Handlers read it as
 * `c.get('requestId')`.
 */
export function requestId(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && CALLER_ID.test(given) ? given : randomUUID();
    c.set('requestId' as never, id as never);
    c.header('x-request-id', id);
    await next();
    // Error responses are built by the error handler; they carry the id too.
    try {
      if (!c.res.headers.has('x-request-id')) c.res.headers.set('x-request-id', id);
    } catch {
      // A response with immutable headers (proxied as is) keeps its own.
    }
  };
}
