import {logger} from 'workbox-core/_private/logger.js';
import {deleteChunksExcept} from './deleteChunksExcept.js';
import {deleteJob, loadJobs} from './jobStore.js';
import {ownedChunkKeys} from './sweepOrphans.js';
import {allQueues} from '../queueRegistry.js';

declare const self: ServiceWorkerGlobalScope;

let listening = false;

async function purge(scope: string): Promise<void> {
  const records = await loadJobs();
  const dead = records.filter((record) => (record.scope ?? scope) === scope);
  if (dead.length === 0) {
    return;
  }
  if (process.env.NODE_ENV !== 'production') {
    logger.log(
      `The service worker of ${scope} was unregistered: deleting its ` +
        `${dead.length} unfinished background fetches, without events.`,
    );
  }
  await Promise.all(dead.map((record) => deleteJob(record.uid)));
  const alive = records.filter((record) => !dead.includes(record));
  await deleteChunksExcept(ownedChunkKeys(alive));
}

/** Pauses every fallback job of this worker (no events; they stop sending and saving). */
async function stopJobs(): Promise<void> {
  await Promise.all(
    allQueues().map(async (queue) => {
      for (const id of await queue.getIds()) {
        await queue._setPaused(id, true);
      }
    }),
  );
}

/**
 * Unregistering a service worker ends its background fetches without
 * events, as the spec says for native ones. Two ways, as engines differ:
 * - a worker told that it became redundant while its registration has no
 *   other active worker (unregistered and cleared, not replaced by an
 *   update: Chromium tells it) stops its jobs and deletes them;
 * - Storage outlives a worker that was never told: the next worker
 *   *installed into a new registration* of the same scope (no active worker
 *   yet, so not an update) deletes the fallback jobs, and their bytes, that
 *   an earlier registration of that scope left.
 * Jobs of other scopes of the origin are left alone.
 *
 * Called once per queue; listens once per worker.
 *
 * @private
 */
export function purgeJobsOfUnregisteredWorker(): void {
  if (listening || typeof self.registration === 'undefined') {
    return;
  }
  listening = true;
  const {serviceWorker} = self as unknown as {serviceWorker?: ServiceWorker};
  serviceWorker?.addEventListener('statechange', () => {
    const {active, scope} = self.registration;
    if (serviceWorker.state !== 'redundant' || (active && active !== serviceWorker)) {
      return; // Not redundant, or replaced by an update: the jobs go on there.
    }
    const purged = stopJobs().then(() => purge(scope));
    purged.catch((error: unknown) => {
      if (process.env.NODE_ENV !== 'production') {
        logger.warn('Could not delete the background fetches of an unregistered worker:', error);
      }
    });
  });
  self.addEventListener('install', (event) => {
    const {registration} = self;
    if (registration.active) {
      return; // An update: the jobs go on in the new worker.
    }
    event.waitUntil(
      purge(registration.scope).catch((error: unknown) => {
        if (process.env.NODE_ENV !== 'production') {
          logger.warn('Could not delete the background fetches of an unregistered worker:', error);
        }
      }),
    );
  });
}
