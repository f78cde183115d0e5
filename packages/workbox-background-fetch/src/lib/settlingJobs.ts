import type {SnapshotRegistration} from './SnapshotRegistration.js';

/** Jobs that ended and whose settlement (caching, the queue's callback) runs. */
const settling = new Map<string, SnapshotRegistration>();

const keyOf = (queue: string, id: string): string => `${queue}\n${id}`;

/**
 * Marks job `registration` of `queue` as settling: until the returned
 * function is called, `settlingJob()` finds it, so a page can still read
 * its records (the spec keeps them readable until the end event's
 * `waitUntil` settles, while `get()` already returns `undefined`).
 *
 * @private
 */
export function markSettling(queue: string, registration: SnapshotRegistration): () => void {
  const key = keyOf(queue, registration.id);
  settling.set(key, registration);
  return () => {
    if (settling.get(key) === registration) {
      settling.delete(key);
    }
  };
}

/** The settling job `id` of `queue`, if any. @private */
export function settlingJob(queue: string, id: string): SnapshotRegistration | undefined {
  return settling.get(keyOf(queue, id));
}
