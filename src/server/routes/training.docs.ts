import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc.js';
import { baseModelsSchema, startTrainingSchema, trainingListSchema, trainingRunSchema, trainingStartedSchema } from '../finetune/schemas.js';

const tags = ['Training'];

export const trainingRouteDocs: RouteDoc[] = [
  { method: 'get', path: '/api/training/models', summary: 'GGUF base models this server offers for local training (files in <home>/models/) and the backends', tags, auth: 'reader', response: baseModelsSchema },
  { method: 'get', path: '/api/training', summary: 'Training runs the key may see, newest first, with their losses so far', tags, auth: 'reader', response: trainingListSchema },
  { method: 'post', path: '/api/training', summary: 'Start a local, remote or export run as a job', tags, auth: 'editor', body: startTrainingSchema, response: trainingStartedSchema, status: 202 },
  { method: 'get', path: '/api/training/:id', summary: 'One run: status, loss per step, train and validation loss per epoch, best epoch, perplexity before and after', tags, auth: 'reader', response: trainingRunSchema },
  { method: 'get', path: '/api/training/:id/events', summary: 'Server-sent events: "run" (everything so far), then "step", "epoch" and "state" until the run ends', tags, auth: 'reader', responseContentType: 'text/event-stream' },
  { method: 'post', path: '/api/training/:id/cancel', summary: 'Cancel a queued or running run (its last checkpoint stays)', tags, auth: 'editor', response: z.object({ id: z.string(), cancelling: z.boolean() }), status: 202 },
];
