import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { TailorError } from '../../core/errors.js';
import { principalOf, type AppEnv, type ServerDeps } from '../context.js';
import { grants } from '../auth.js';
import { requireChange } from '../finetune/access.js';
import type { JobView } from '../jobs.js';

const notFound = (id: string) => new TailorError('NOT_FOUND', `No job "${id}" (finished jobs are kept for a while, then forgotten).`);

/** GET /api/jobs/:id and its SSE twin /events, visible to keys granted the job's collection; POST …/cancel for editors of it. */
export function jobRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const find = async (c: Parameters<typeof principalOf>[0]): Promise<JobView> => {
    const job = await deps.jobs.get(c.req.param('id') ?? '');
    // A job over several collections (a dataset built from more than one) needs every grant.
    if (!job || !(job.collections ?? [job.collection]).every((name) => grants(principalOf(c), name))) throw notFound(c.req.param('id') ?? '');
    return job;
  };

  app.get('/:id', async (c) => c.json(await find(c)));

  // Uploads and dataset builds; a training run is cancelled through /api/training/:id/cancel, which also ends its record.
  app.post('/:id/cancel', async (c) => {
    const job = await find(c);
    if (job.kind === 'train') throw new TailorError('INVALID_ARGUMENT', `Job ${job.id} is a training run: cancel it with POST /api/training/${job.id}/cancel.`);
    requireChange(principalOf(c), job.collections ?? [job.collection], () => notFound(job.id));
    if (job.state === 'done' || job.state === 'failed') throw new TailorError('INVALID_ARGUMENT', `Job ${job.id} has already ended (${job.state}).`, { details: { id: job.id, state: job.state } });
    const cancelled = await deps.jobs.cancel(job.id);
    return c.json(cancelled ?? job, 202);
  });

  app.get('/:id/events', async (c) => {
    let job = await find(c);
    return streamSSE(c, async (stream) => {
      const ended = () => job.state === 'done' || job.state === 'failed';
      let wake: () => void = () => {};
      const unsubscribe = deps.jobs.watch(job.id, () => wake());
      stream.onAbort(() => wake());
      try {
        // Send the current state, then every change, until the job ends or the client leaves.
        while (!stream.aborted) {
          const changed = new Promise<void>((resolve) => (wake = resolve));
          // Decide "last event" from the state actually sent, not from one that changed during the write.
          const last = ended();
          await stream.writeSSE({ event: 'job', data: JSON.stringify(job) });
          if (last) break;
          await changed;
          // A shared queue's job may run on another replica: read its state afresh.
          job = (await deps.jobs.get(job.id)) ?? job;
        }
      } finally {
        unsubscribe();
      }
    });
  });

  return app;
}
