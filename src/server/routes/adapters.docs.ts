import type { RouteDoc } from '../openapi/route-doc.js';
import { adapterDetailSchema, adapterListSchema, deletedSchema } from '../finetune/schemas.js';

const tags = ['Adapters'];

export const adapterRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/api/adapters', summary: 'Adapters the key may see, with base model, dataset, metrics and the erased-data flag', tags, auth: 'reader', response: adapterListSchema },
  { method: 'get', path: '/api/adapters/:name', summary: 'One adapter with its lineage: documents → dataset → adapter, erasures and the retrain command', tags, auth: 'reader', response: adapterDetailSchema },
  { method: 'delete', path: '/api/adapters/:name', summary: 'Delete an adapter and its files', tags, auth: 'editor', response: deletedSchema },
];
