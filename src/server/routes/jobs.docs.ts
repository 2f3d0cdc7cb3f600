import type { RouteDoc } from '../openapi/route-doc.js';
import { jobSchema } from '../response-schemas.js';

export const jobDocs: RouteDoc[] = [
  { method: 'get', path: '/api/jobs/:id', summary: 'An upload job: state, files done of total, each file\'s outcome, the report when done.', tags: ['jobs'], auth: 'reader', response: jobSchema },
  {
    method: 'post', path: '/api/jobs/:id/cancel',
    summary: 'Cancel a queued or running upload or dataset build: a queued one ends at once, a running one stops at its next heartbeat (state `failed`, code CANCELLED). Training runs: POST /api/training/{id}/cancel.',
    tags: ['jobs'], auth: 'editor', response: jobSchema, status: 202,
  },
  {
    method: 'get', path: '/api/jobs/:id/events', summary: 'The job as server-sent events (`job`, with the body of GET /api/jobs/{id}) on every change until it ends.',
    tags: ['jobs'], auth: 'reader', responseContentType: 'text/event-stream',
  },
];
