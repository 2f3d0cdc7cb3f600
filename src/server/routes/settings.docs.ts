import type { RouteDoc } from '../openapi/route-doc.js';
import { settingsSchema } from '../response-schemas.js';

export const settingsDocs: RouteDoc[] = [
  {
    method: 'get', path: '/api/settings', tags: ['system'], auth: 'reader', response: settingsSchema,
    summary: 'The home, read-only: chat model, embedder, answering thresholds, store kind and size, collections. Nothing secret: no keys, no paths; admins also see limits and the key count.',
  },
];
