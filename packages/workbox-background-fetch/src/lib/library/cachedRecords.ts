import type {CachedRecord} from '../cacheRecords.js';
import type {StoredEntry} from './storedEntry.js';

/** Cache entries are matched whatever their `Vary`: the library speaks URLs. */
const MATCH: CacheQueryOptions = {ignoreVary: true};

async function openIfExists(cacheName: string): Promise<Cache | undefined> {
  // caches.open() would create a cache that was deleted: ask first.
  return (await self.caches.has(cacheName)) ? self.caches.open(cacheName) : undefined;
}

/**
 * Size and `Content-Type` of each record a job just cached: as its writer
 * knew them, else read from the caches (native records have no
 * `Content-Length`). Records that are not there any more count 0 bytes.
 *
 * @private
 */
export async function describeCachedRecords(
  records: readonly CachedRecord[],
): Promise<StoredEntry['records']> {
  return Promise.all(
    records.map(async ({url, cacheName, bytes: known, contentType: type}) => {
      if (known !== undefined && type !== undefined) {
        // What the writer knew: a cache read costs a copy of the file
        // (Firefox's blob(), WebKit's match(): 1–2 s per 256 MiB).
        return {url, cacheName, bytes: known, contentType: type};
      }
      const response = await (await openIfExists(cacheName))?.match(url, MATCH);
      const bytes = response ? (await response.blob()).size : 0;
      const contentType = response?.headers.get('content-type') ?? '';
      return {url, cacheName, bytes, contentType};
    }),
  );
}

/** One flag per record: true when it is no longer in its cache. @private */
export function findMissing(records: StoredEntry['records']): Promise<boolean[]> {
  return Promise.all(
    records.map(async ({url, cacheName}) => {
      const cache = await openIfExists(cacheName);
      return !cache || (await cache.match(url, MATCH)) === undefined;
    }),
  );
}

/** Deletes every record from its cache. @private */
export async function deleteRecords(records: StoredEntry['records']): Promise<void> {
  await Promise.all(
    records.map(async ({url, cacheName}) => {
      await (await openIfExists(cacheName))?.delete(url, MATCH);
    }),
  );
}
