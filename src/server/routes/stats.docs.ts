import type { RouteDoc } from '../openapi/route-doc.js';
import { statsSchema } from '../finetune/schemas.js';

export const statsRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/api/stats', summary: 'Documents, chunks, datasets, adapters and training runs over the collections the key may read', tags: ['Stats'], auth: 'reader', response: statsSchema },
];
