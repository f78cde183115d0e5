import {logger} from 'workbox-core/_private/logger.js';
import {deleteChunksExcept} from './deleteChunksExcept.js';
import {deleteJob, loadJobs} from './jobStore.js';
import {ownedChunkKeys} from './sweepOrphans.js';

declare const self: ServiceWorkerGlobalScope;

let listening = false;

/** The scope of this worker's registration, stored with each job it creates. @private */
export function registrationScope(): string | undefined {
  return typeof self.registration === 'undefined' ? undefined : self.registration.scope;
}

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

/**
 * Unregistering a service worker ends its background fetches without
 * events, as the spec says for native ones. A worker cannot see its own
 * unregistration (no event; it is simply stopped), but Storage outlives it:
 * the next worker *installed into a new registration* of the same scope
 * (no active worker yet, so not an update) deletes the fallback jobs, and
 * their bytes, that an earlier registration of that scope left. Jobs of
 * other scopes of the origin are left alone.
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
