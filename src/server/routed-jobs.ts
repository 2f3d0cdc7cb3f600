import { TailorError } from '../core/errors.js';
import type { JobQueue } from './jobs.js';

/**
 * With a shared database, each kind of job goes to the queue that runs it: uploads and dataset
 * builds to queues on the shared table (any replica may finish them; each kind in its own queue, so
 * a long build never holds up uploads), training and arena runs to this replica's own queue (they
 * read its models and checkpoints; docs/replicas.md). `byKind` names a queue per kind; others go
 * to `main`, whose `exclusive` serialises this process's store writes. Job ids are random, so
 * looking an id up in every queue is unambiguous.
 */
export function createRoutedJobQueue(main: JobQueue, byKind: ReadonlyMap<string, JobQueue>): JobQueue {
  const queueFor = (kind: string) => byKind.get(kind) ?? main;
  const all = [...new Set([main, ...byKind.values()])];
  const first = async <T>(ask: (queue: JobQueue) => Promise<T | undefined>): Promise<T | undefined> => {
    for (const queue of all) {
      const found = await ask(queue);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return {
    // Only the queue that will run the job is asked: a full training queue never refuses uploads.
    async reserve(owner, kind = 'upload') {
      const home = queueFor(kind);
      const slot = await home.reserve(owner, kind);
      return {
        async submit(input) {
          if (queueFor(input.kind) !== home) {
            slot.release();
            throw new TailorError('INTERNAL', `A place reserved for a "${kind}" job cannot take a "${input.kind}" job; reserve with the job's kind.`);
          }
          return slot.submit(input);
        },
        release: () => slot.release(),
      };
    },
    // Store writes of this process (deletes, syncs) wait behind its uploads, as with one queue.
    exclusive: (fn) => main.exclusive(fn),
    get: (id) => first((queue) => queue.get(id)),
    watch(id, listener) {
      const stops = all.map((queue) => queue.watch(id, listener));
      return () => stops.forEach((stop) => stop());
    },
    async idle() {
      await Promise.all(all.map((queue) => queue.idle()));
    },
    async resume() {
      const counts = await Promise.all(all.map((queue) => queue.resume()));
      return counts.reduce((a, b) => a + b, 0);
    },
    async stop(timeoutMs) {
      await Promise.all(all.map((queue) => queue.stop(timeoutMs)));
    },
    cancel: (id) => first((queue) => queue.cancel(id)),
  };
}
