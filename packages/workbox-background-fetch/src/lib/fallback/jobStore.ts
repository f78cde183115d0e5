import {del, set, values} from 'idb-keyval';
import {retryingStore} from './retryingStore.js';
import type {StoredJob} from './StoredJob.js';

/** The database of fallback job records (one object store, as idb-keyval wants). @private */
export const JOBS_DB = 'workbox-background-fetch';

let store: ReturnType<typeof retryingStore> | undefined;

function jobs(): ReturnType<typeof retryingStore> {
  store ??= retryingStore(JOBS_DB, 'jobs');
  return store;
}

/**
 * Stores `job` under its uid; resolves once the transaction committed.
 * @private
 */
export function saveJob(job: StoredJob): Promise<void> {
  return set(job.uid, job, jobs());
}

/** Deletes the record of job `uid`. @private */
export function deleteJob(uid: string): Promise<void> {
  return del(uid, jobs());
}

/** Every stored job, of every queue. @private */
export function loadJobs(): Promise<StoredJob[]> {
  return values<StoredJob>(jobs());
}
