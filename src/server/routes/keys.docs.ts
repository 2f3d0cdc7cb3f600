import type { RouteDoc } from '../openapi/route-doc.js';
import { createKeySchema } from '../schemas.js';
import { keyCreatedSchema, keyListSchema, keyRevokedSchema } from '../response-schemas.js';

export const keyDocs: RouteDoc[] = [
  { method: 'get', path: '/api/keys', summary: 'Keys within the caller\'s own grants: ids, names, roles, collections — never the secrets.', tags: ['keys'], auth: 'admin', response: keyListSchema },
  {
    method: 'post', path: '/api/keys', summary: 'Create a key no wider than the caller\'s; the secret `key` is in this response only.',
    tags: ['keys'], auth: 'admin', body: createKeySchema, response: keyCreatedSchema, status: 201,
  },
  { method: 'delete', path: '/api/keys/:id', summary: 'Revoke a key; it stops working at once.', tags: ['keys'], auth: 'admin', response: keyRevokedSchema },
];
