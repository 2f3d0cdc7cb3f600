import type { RouteDoc } from '../openapi/route-doc.js';
import { traceListQuerySchema, traceListSchema, traceRecordSchema } from '../response-schemas.js';

export const traceDocs: RouteDoc[] = [
  {
    method: 'get', path: '/api/traces', summary: 'Recent answers, newest first: the caller\'s own, and for admins those whose collections their grants cover.',
    tags: ['traces'], auth: 'reader', query: traceListQuerySchema, response: traceListSchema,
  },
  { method: 'get', path: '/api/traces/:id', summary: 'One answer with its trace: retrieved passages, scores, prompt.', tags: ['traces'], auth: 'reader', response: traceRecordSchema },
];
