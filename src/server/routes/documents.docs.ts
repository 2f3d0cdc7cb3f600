import type { RouteDoc } from '../openapi/route-doc.js';
import { documentDeletedSchema, documentDetailSchema } from '../response-schemas.js';

export const documentDocs: RouteDoc[] = [
  { method: 'get', path: '/api/documents/:id', summary: 'A document\'s stored text and page spans (citations index into this text).', tags: ['documents'], auth: 'reader', response: documentDetailSchema },
  {
    method: 'get', path: '/api/documents/:id/file', summary: 'The original file as ingested (404 when it changed or is gone).',
    tags: ['documents'], auth: 'reader', responseContentType: 'application/octet-stream',
  },
  {
    method: 'delete', path: '/api/documents/:id', summary: 'Erase a document and everything derived from it (dataset examples, adapter flags, traces); returns the receipt.',
    tags: ['documents'], auth: 'editor', response: documentDeletedSchema,
  },
];
