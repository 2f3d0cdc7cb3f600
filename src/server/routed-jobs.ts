import type { JobQueue } from './jobs.js';

/**
 * With a shared database, uploads go to the shared queue (any replica may finish them) while
 * dataset builds, training and arena runs stay in this replica's own queue: they read files and
 * models of this machine's home, run for minutes, and can be cancelled (docs/replicas.md).
 * Job ids are random, so looking an id up in both queues is unambiguous.
 */
export function createRoutedJobQueue(shared: JobQueue, local: JobQueue, localKinds: ReadonlySet<string>): JobQueue {
  return {
    async reserve(owner) {
      const [sharedSlot, localSlot] = await Promise.all([shared.reserve(owner), local.reserve(owner)]);
      return {
        submit(input) {
          const [use, drop] = localKinds.has(input.kind) ? [localSlot, sharedSlot] : [sharedSlot, localSlot];
          drop.release();
          return use.submit(input);
        },
        release() {
          sharedSlot.release();
          localSlot.release();
        },
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
