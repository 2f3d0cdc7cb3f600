import type { RouteDoc } from '../openapi/route-doc.js';
import { jobSchema } from '../response-schemas.js';

export const jobDocs: RouteDoc[] = [
  { method: 'get', path: '/api/jobs/:id', summary: 'An upload job: state, files done of total, each file\'s outcome, the report when done.', tags: ['jobs'], auth: 'reader', response: jobSchema },
  {
    method: 'get', path: '/api/jobs/:id/events', summary: 'The job as server-sent events (`job`, with the body of GET /api/jobs/{id}) on every change until it ends.',
    tags: ['jobs'], auth: 'reader', responseContentType: 'text/event-stream',
  },
];
