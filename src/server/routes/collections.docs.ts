import type { RouteDoc } from '../openapi/route-doc.js';
import { createCollectionSchema, syncSchema } from '../schemas.js';
import { collectionCreatedSchema, collectionDeletedSchema, collectionListSchema, documentListSchema, jobAcceptedSchema, syncReportSchema } from '../response-schemas.js';

export const collectionDocs: RouteDoc[] = [
  { method: 'get', path: '/api/collections', summary: 'The collections this key may read, with document and chunk counts.', tags: ['collections'], auth: 'reader', response: collectionListSchema },
  { method: 'post', path: '/api/collections', summary: 'Create an empty collection (uploads create one too).', tags: ['collections'], auth: 'editor', body: createCollectionSchema, response: collectionCreatedSchema, status: 201 },
  {
    method: 'delete', path: '/api/collections/:name', summary: 'Delete a collection and everything derived from its documents; returns the erasure receipt.',
    tags: ['collections'], auth: 'admin', response: collectionDeletedSchema,
  },
  {
    method: 'get', path: '/api/collections/:name/documents', summary: 'Indexed documents, and uploads that failed or were duplicates (with the reason).',
    tags: ['collections'], auth: 'reader', response: documentListSchema,
  },
  {
    method: 'post', path: '/api/collections/:name/documents', summary: 'Upload files (multipart field `files`, repeated); indexing runs as a job — follow it at /api/jobs/{id}.',
    tags: ['collections'], auth: 'editor', bodyContentType: 'multipart/form-data', response: jobAcceptedSchema, status: 202,
  },
  {
    method: 'post', path: '/api/collections/:name/sync', summary: 'Re-index changed uploads and erase deleted ones.',
    tags: ['collections'], auth: 'editor', body: syncSchema, response: syncReportSchema,
  },
];
