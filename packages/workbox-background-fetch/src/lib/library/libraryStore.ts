import {del, get, promisifyRequest, set} from 'idb-keyval';
import {retryingStore} from '../fallback/retryingStore.js';
import {entryKey} from './storedEntry.js';
import type {PendingEntry, StoredEntry} from './storedEntry.js';

/** The database of the download library (one object store, as idb-keyval wants). */
const LIBRARY_DB = 'workbox-background-fetch-library';

let store: ReturnType<typeof retryingStore> | undefined;

function library(): ReturnType<typeof retryingStore> {
  store ??= retryingStore(LIBRARY_DB, 'entries');
  return store;
}

/**
 * Stores a finished entry or a pending one; resolves once committed.
 * @private
 */
export function saveEntry(entry: StoredEntry | PendingEntry): Promise<void> {
  return set(entryKey(entry.kind, entry.queue, entry.id), entry, library());
}

/** The entry or pending entry of `id` in `queue`. @private */
export function loadEntry<K extends 'pending' | 'entry'>(
  kind: K,
  queue: string,
  id: string,
): Promise<(K extends 'entry' ? StoredEntry : PendingEntry) | undefined> {
  return get(entryKey(kind, queue, id), library());
}

/** Deletes the entry or pending entry of `id` in `queue`. @private */
export function deleteEntry(kind: 'pending' | 'entry', queue: string, id: string): Promise<void> {
  return del(entryKey(kind, queue, id), library());
}

/** Every finished entry of `queue`. @private */
export function loadEntries(queue: string): Promise<StoredEntry[]> {
  // Keys are ['entry', queue, id]: this range holds exactly the queue's.
  const range = IDBKeyRange.bound(['entry', queue], ['entry', queue, []]);
  return library()('readonly', (objectStore) =>
    promisifyRequest(objectStore.getAll(range) as IDBRequest<StoredEntry[]>),
  );
}

/** Every finished entry of every queue (records may be shared across queues). @private */
export function loadAllEntries(): Promise<StoredEntry[]> {
  // Keys are ['entry', queue, id]: this range holds exactly the entries.
  const range = IDBKeyRange.bound(['entry'], ['entry', []]);
  return library()('readonly', (objectStore) =>
    promisifyRequest(objectStore.getAll(range) as IDBRequest<StoredEntry[]>),
  );
}
