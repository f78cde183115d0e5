import {del, set, values} from 'idb-keyval';
import {createError} from '../models/createError.js';
import {retryingStore} from './retryingStore.js';
import {within} from './wait.js';
import type {StoredJob} from './StoredJob.js';

/** The database of fallback job records (one object store, as idb-keyval wants). @private */
export const JOBS_DB = 'workbox-background-fetch';

/**
 * The longest a write of a job record (`saveJob`, `deleteJob`), or a call
 * of the backend (`fetch()`, `get()`, `getIds()`, `pause()`, …), waits for
 * IndexedDB before it rejects with a `TimeoutError` (`storage-timeout`): a
 * page's call fails with that cause before its own 30 s timeout, a running
 * job goes on (its state is saved at its next change) and settles rather
 * than waiting for good (see `ACTIVATE_WAIT_MS`). Reads of the stored jobs
 * keep waiting: the jobs resume once IndexedDB answers.
 *
 * @private
 */
export const STORAGE_WAIT_MS = 20_000;

/**
 * `work`'s outcome, or a rejection with the `storage-timeout` error once
 * `STORAGE_WAIT_MS` passed first (the work itself goes on).
 * @private
 */
export function withinStorageWait<T>(work: Promise<T>): Promise<T> {
  return within(work, STORAGE_WAIT_MS, () => {
    throw createError('storage-timeout', {seconds: STORAGE_WAIT_MS / 1000}, 'TimeoutError');
  });
}

let store: ReturnType<typeof retryingStore> | undefined;
const deletedListeners = new Set<() => void>();

function jobs(): ReturnType<typeof retryingStore> {
  store ??= retryingStore(JOBS_DB, 'jobs', () => {
    for (const listener of deletedListeners) listener();
  });
  return store;
}

/**
 * Calls `listener` when the app deletes the job database (an
 * `indexedDB.deleteDatabase()` in a clean-up): the jobs still running here
 * save their records again, or a paused or waiting one would be gone at the
 * next worker start, without an event.
 * @private
 */
export function onJobsDeleted(listener: () => void): void {
  deletedListeners.add(listener);
}

/**
 * Stores `job` under its uid; resolves once the transaction committed,
 * rejects after `STORAGE_WAIT_MS` (the write stays queued).
 * @private
 */
export function saveJob(job: StoredJob): Promise<void> {
  return withinStorageWait(set(job.uid, job, jobs()));
}

/** Deletes the record of job `uid` (bounded as `saveJob`). @private */
export function deleteJob(uid: string): Promise<void> {
  return withinStorageWait(del(uid, jobs()));
}

/** Every stored job, of every queue. @private */
export function loadJobs(): Promise<StoredJob[]> {
  return values<StoredJob>(jobs());
}
