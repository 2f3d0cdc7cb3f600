import type { RouteDoc } from '../openapi/route-doc.js';
import { arenaStartedSchema, startArenaSchema } from '../finetune/schemas.js';

export const arenaRunRouteDocs: RouteDoc[] = [
  { method: 'post', path: '/api/arena/runs', summary: 'Start an arena run as a job; follow /api/jobs/:jobId/events, then read /api/arena/runs/:runId', tags: ['Evaluation'], auth: 'editor', body: startArenaSchema, response: arenaStartedSchema, status: 202 },
];
