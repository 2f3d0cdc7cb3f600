import { Hono } from 'hono';
import type { AppEnv, ServerDeps } from '../context.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { ROUTE_DOCS } from '../openapi/registry.js';
import { REFERENCE_CSS, renderReferencePage } from '../openapi/reference-page.js';

/**
 * GET /openapi.json and the reference page /docs/api (+ its stylesheet). Public: the document describes
 * routes only — nothing from the home, no collection, key or path — like /metrics' route templates.
 */
export function openApiRoutes(deps: Pick<ServerDeps, 'version'>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const document = buildOpenApiDocument(ROUTE_DOCS, { version: deps.version });
  const json = JSON.stringify(document);
  const page = renderReferencePage(document);
  app.get('/openapi.json', (c) => c.body(json, 200, { 'Content-Type': 'application/json; charset=utf-8' }));
  app.get('/docs/api', (c) => c.html(page));
  app.get('/docs/api.css', (c) => c.body(REFERENCE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  return app;
}
