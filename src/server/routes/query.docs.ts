import type { RouteDoc } from '../openapi/route-doc.js';
import { askSchema, searchSchema } from '../schemas.js';
import { askResponseSchema, searchResponseSchema } from '../response-schemas.js';

export const queryDocs: RouteDoc[] = [
  {
    method: 'post', path: '/api/search', summary: 'Hybrid search (BM25 + vectors, fused) over the granted collections: passages with every score.',
    tags: ['query'], auth: 'reader', body: searchSchema, response: searchResponseSchema,
  },
  {
    method: 'post', path: '/api/ask', tags: ['query'], auth: 'reader', body: askSchema, response: askResponseSchema,
    summary: 'A cited answer with its trace (retrieved passages, prompt, timings). With `stream: true` the response is text/event-stream: `delta` events, then one `answer` event with this body.',
  },
];
