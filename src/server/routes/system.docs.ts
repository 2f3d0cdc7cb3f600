import type { RouteDoc } from '../openapi/route-doc.js';
import { healthSchema, meSchema } from '../response-schemas.js';

/** The routes outside /api and /v1, and who-am-I. */
export const systemDocs: RouteDoc[] = [
  { method: 'get', path: '/health', summary: 'Liveness and the server version.', tags: ['system'], auth: 'public', response: healthSchema },
  {
    method: 'get', path: '/metrics', summary: 'Prometheus metrics: request counts and latencies by route template (no collection names).',
    tags: ['system'], auth: 'public', responseContentType: 'text/plain',
  },
  { method: 'get', path: '/openapi.json', summary: 'This OpenAPI 3.1 document.', tags: ['system'], auth: 'public', responseContentType: 'application/json' },
  { method: 'get', path: '/docs/api', summary: 'The API reference as a readable page (rendered from this document).', tags: ['system'], auth: 'public', responseContentType: 'text/html' },
  { method: 'get', path: '/docs/api.css', summary: 'The reference page\'s stylesheet.', tags: ['system'], auth: 'public', responseContentType: 'text/css' },
  { method: 'get', path: '/api/me', summary: 'The calling key: name, role, granted collections, and whether the server runs open.', tags: ['system'], auth: 'reader', response: meSchema },
];
