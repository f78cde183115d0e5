import type {StoredEntry} from './storedEntry.js';

/**
 * The records of `entry` that no other entry lists (same URL in the same
 * cache): what removing `entry` may delete from the caches. A file that two
 * downloads share (the same episode in two jobs, or downloaded again under
 * another id) stays cached while an entry still lists it.
 *
 * @example
 * recordsOnlyIn(a, [b]); // a's records minus those b lists too
 *
 * @private
 */
export function recordsOnlyIn(
  entry: StoredEntry,
  others: readonly StoredEntry[],
): StoredEntry['records'] {
  const key = ({url, cacheName}: {url: string; cacheName: string}) =>
    JSON.stringify([cacheName, url]);
  const kept = new Set(
    others
      .filter((other) => other.queue !== entry.queue || other.id !== entry.id)
      .flatMap((other) => other.records.map(key)),
  );
  return entry.records.filter((record) => !kept.has(key(record)));
}
