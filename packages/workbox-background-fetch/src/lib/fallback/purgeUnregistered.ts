import {logger} from '../logger.js';
import {deleteJob, loadJobs} from './jobStore.js';
import {deleteOrphanChunks} from './orphanChunks.js';
import {allQueues} from '../queueRegistry.js';

declare const self: ServiceWorkerGlobalScope;

let listening = false;

/**
 * Deletes what is left of the jobs of `scope` once this worker's own jobs
 * were discarded: records of queues this worker did not create, and the
 * chunks no remaining job owns.
 */
async function purge(scope: string): Promise<void> {
  const records = await loadJobs();
  const dead = records.filter((record) => (record.scope ?? scope) === scope);
  if (process.env.NODE_ENV !== 'production' && dead.length > 0) {
    logger.log(
      `The service worker of ${scope} was unregistered: deleting the ` +
        `${dead.length} unfinished background fetches of queues it did not create.`,
    );
  }
  await Promise.all(dead.map((record) => deleteJob(record.uid)));
  // The jobs of other scopes may be running: all their chunks stay.
  const alive = records.filter((record) => !dead.includes(record));
  await deleteOrphanChunks([], alive);
}

/**
 * Unregistering a service worker ends its background fetches without
 * events, as the spec says for native ones. A worker is told that it became
 * redundant (its own `ServiceWorker`'s `statechange`); when its registration
 * has no worker at all then (unregistered and cleared, not replaced by an
 * update, whose new worker resumes the jobs), each job stops its requests
 * and deletes its bytes and record, and what no live job owns goes too.
 * A worker stopped before that ends leaves chunks that the next worker
 * start sweeps (`sweepOrphans.ts`). Jobs of other scopes of the origin are left
 * alone.
 *
 * A new registration's first install does not purge what it finds: Firefox
 * forgets a registration made shortly before the browser is killed, and
 * the site registering again must resume the download, not lose it.
 *
 * Called once per queue; listens once per worker.
 *
 * @private
 */
export function purgeJobsOfUnregisteredWorker(): void {
  const {serviceWorker} = self as unknown as {serviceWorker?: ServiceWorker};
  if (listening || !serviceWorker || typeof self.registration === 'undefined') {
    return;
  }
  listening = true;
  serviceWorker.addEventListener('statechange', () => {
    const {active, waiting, installing, scope} = self.registration;
    // Unregistered and cleared, the registration has no worker left. Any
    // worker there, even this one (an attribute not updated yet), means an
    // update or a worker still to come: the jobs go on, and the purge would
    // delete for good the downloads that worker is to resume.
    if (serviceWorker.state !== 'redundant' || active || waiting || installing) {
      return;
    }
    // Each job first stops its requests and deletes itself (no write of it
    // can follow); then whatever no live job owns goes.
    Promise.all(allQueues().map((queue) => queue._discardAll()))
      .then(() => purge(scope))
      .catch((error: unknown) => {
        if (process.env.NODE_ENV !== 'production') {
          logger.warn('Could not delete the background fetches of an unregistered worker:', error);
        }
      });
  });
}
