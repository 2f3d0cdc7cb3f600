import { TailorError } from '../core/errors.js';
import type { JobQueue } from './jobs.js';

/**
 * With a shared database, uploads go to the shared queue (any replica may finish them) while
 * dataset builds, training and arena runs stay in this replica's own queue: they read files and
 * models of this machine's home, run for minutes, and can be cancelled (docs/replicas.md).
 * Job ids are random, so looking an id up in both queues is unambiguous.
 */
export function createRoutedJobQueue(shared: JobQueue, local: JobQueue, localKinds: ReadonlySet<string>): JobQueue {
  return {
    // Only the queue that will run the job is asked: a full training queue never refuses uploads.
    async reserve(owner, kind = 'upload') {
      const home = localKinds.has(kind) ? local : shared;
      const slot = await home.reserve(owner, kind);
      return {
        async submit(input) {
          if (localKinds.has(input.kind) !== (home === local)) {
            slot.release();
            throw new TailorError('INTERNAL', `A place reserved for a "${kind}" job cannot take a "${input.kind}" job; reserve with the job's kind.`);
          }
          return slot.submit(input);
        },
        release: () => slot.release(),
      };
    },
    // Store writes of this process (deletes, syncs) wait behind its uploads, as with one queue.
    exclusive: (fn) => shared.exclusive(fn),
    async get(id) {
      return (await local.get(id)) ?? shared.get(id);
    },
    watch(id, listener) {
      const stops = [local.watch(id, listener), shared.watch(id, listener)];
      return () => stops.forEach((stop) => stop());
    },
    async idle() {
      await Promise.all([shared.idle(), local.idle()]);
    },
    async resume() {
      const counts = await Promise.all([shared.resume(), local.resume()]);
      return counts[0] + counts[1];
    },
    async stop(timeoutMs) {
      await Promise.all([shared.stop(timeoutMs), local.stop(timeoutMs)]);
    },
    async cancel(id) {
      return (await local.cancel(id)) ?? shared.cancel(id);
    },
  };
}
