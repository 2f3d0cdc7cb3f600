import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { advicePresetsSchema, adviceSchema, arenaRunListSchema, arenaRunSchema } from '../response-schemas.js';

const adviceQuery = z.looseObject({ preset: z.string().optional().describe('An advice preset (GET /api/arena/presets); criteria fields may be added as further query parameters.') });

export const arenaDocs: RouteDoc[] = [
  { method: 'get', path: '/api/arena/runs', summary: 'Arena runs whose every collection the key is granted.', tags: ['arena'], auth: 'reader', response: arenaRunListSchema },
  { method: 'get', path: '/api/arena/runs/:id', summary: 'One run (run.json): per-arm metrics with intervals, comparisons, freshness (docs/arena.md).', tags: ['arena'], auth: 'reader', response: arenaRunSchema },
  { method: 'get', path: '/api/arena/presets', summary: 'The advisor\'s use-case presets.', tags: ['arena'], auth: 'reader', response: advicePresetsSchema },
  { method: 'get', path: '/api/arena/runs/:id/advice', summary: 'The advisor on this run\'s measurements.', tags: ['arena'], auth: 'reader', query: adviceQuery, response: adviceSchema },
  { method: 'get', path: '/api/arena/runs/:id/report', summary: 'The run\'s self-contained HTML report (served under a sandboxing CSP).', tags: ['arena'], auth: 'reader', responseContentType: 'text/html' },
];
