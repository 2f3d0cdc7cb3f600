import type { z } from 'zod';

/**
 * What one HTTP route accepts and returns, written beside the route so the OpenAPI document,
 * the request validation and the web UI's types come from the same zod schemas.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The full path as served, in Hono's syntax: `/api/datasets/:id`. */
  path: string;
  summary: string;
  tags: string[];
  /** The least a caller needs: no key at all, or a key of this role (grants still narrow what it sees). */
  auth: 'public' | 'reader' | 'editor' | 'admin';
  /** JSON request body. */
  body?: z.ZodType;
  /** When the body is not JSON (`multipart/form-data` for uploads). */
  bodyContentType?: string;
  /** Query-string parameters. */
  query?: z.ZodObject;
  /** Body of the success response, when it is JSON. */
  response?: z.ZodType;
  /** When the success response is not JSON: `text/event-stream`, `text/html`, `application/octet-stream`. */
  responseContentType?: string;
  /** Success status; 200 unless said. */
  status?: number;
}
