import {StrategyHandler} from 'workbox-strategies/StrategyHandler.js';
import {logger} from './logger.js';
import {resolveRecordDestination} from './resolveRecordDestination.js';
import type {Router} from 'workbox-routing/Router.js';
import type {BackgroundFetchRecord} from '../types.js';

/** Where one record was written. */
export interface CachedRecord {
  url: string;
  cacheName: string;
}

/** Options of `cacheRecords`. @private */
export interface CacheRecordsOptions {
  event: ExtendableEvent;
  cacheName?: string;
  defaultCacheName: string;
  router?: Router;
}

/** A cache key for a record: the same URL as a plain GET. */
function cacheKeyOf(request: Request): Request {
  return request.method === 'GET' ? request : new Request(request.url);
}

/**
 * Writes every record of a finished job into its destination cache (see
 * `resolveRecordDestination`). All or nothing: when one write fails (quota,
 * a plugin that throws), the entries this call already wrote are deleted
 * and the error is rethrown, so no job leaves half its files behind.
 *
 * @private
 */
export async function cacheRecords(
  records: BackgroundFetchRecord[],
  options: CacheRecordsOptions,
): Promise<CachedRecord[]> {
  const written: Array<CachedRecord & {key: Request}> = [];
  try {
    for (const record of records) {
      const key = cacheKeyOf(record.request);
      const response = await record.responseReady;
      const destination = resolveRecordDestination(key, options.event, options);
      if (destination.kind === 'cache') {
        const cache = await self.caches.open(destination.cacheName);
        await cache.put(key, response);
        written.push({url: key.url, cacheName: destination.cacheName, key});
        continue;
      }
      const {strategy} = destination;
      const handler = new StrategyHandler(strategy, {event: options.event, request: key});
      try {
        const stored = await handler.cachePut(key, response);
        await handler.doneWaiting();
        if (stored) {
          written.push({url: key.url, cacheName: strategy.cacheName, key});
        } else if (process.env.NODE_ENV !== 'production') {
          logger.warn(
            `A plugin of the route serving ${key.url} declined to cache it ` +
              `(cacheWillUpdate); the record was not stored.`,
          );
        }
      } finally {
        handler.destroy();
      }
    }
  } catch (error) {
    await Promise.all(
      written.map(async ({cacheName, key}) => (await self.caches.open(cacheName)).delete(key)),
    );
    throw error;
  }
  return written.map(({url, cacheName}) => ({url, cacheName}));
}
