import {StrategyHandler} from 'workbox-strategies/StrategyHandler.js';
import {knownBodySize} from './knownBodySize.js';
import {logger} from './logger.js';
import {resolveRecordDestination} from './resolveRecordDestination.js';
import type {RecordDestination} from './resolveRecordDestination.js';
import type {Router} from 'workbox-routing/Router.js';
import type {BackgroundFetchRecord} from '../types.js';

/** Where one record was written. */
export interface CachedRecord {
  url: string;
  cacheName: string;
  /** The body's size, when the writer knew it without reading the body. */
  bytes?: number;
  /** Its `Content-Type`, with `bytes`. */
  contentType?: string;
}

/** Where records go (see `resolveRecordDestination`). @private */
export interface RecordDestinationOptions {
  cacheName?: string;
  defaultCacheName: string;
  router?: Router;
}

/** Options of `cacheRecords`. @private */
export interface CacheRecordsOptions extends RecordDestinationOptions {
  event: ExtendableEvent;
  /** Writes started during the download, by record index (`JobSettlement.early`). */
  early?: ReadonlyArray<Promise<CachedRecord | null> | undefined>;
}

/** What the library lists of a written record, when known without reading the cache (`knownBodySize`). */
function knownBody(response: Response): Pick<CachedRecord, 'bytes' | 'contentType'> {
  const bytes = knownBodySize(response);
  return bytes === undefined
    ? {}
    : {bytes, contentType: response.headers.get('content-type') ?? ''};
}

/** A cache key for a record: the same URL as a plain GET. */
function cacheKeyOf(request: Request): Request {
  return request.method === 'GET' ? request : new Request(request.url);
}

/**
 * Writes one record into `destination`: the queue's cache, or through the
 * route's strategy (its cache name and plugins). Resolves `null` when a
 * plugin declined it (`cacheWillUpdate`).
 */
async function putRecord(
  key: Request,
  response: Response,
  event: ExtendableEvent,
  destination: RecordDestination,
): Promise<CachedRecord | null> {
  if (destination.kind === 'cache') {
    await (await self.caches.open(destination.cacheName)).put(key, response);
    return {url: key.url, cacheName: destination.cacheName, ...knownBody(response)};
  }
  const {strategy} = destination;
  const handler = new StrategyHandler(strategy, {event, request: key});
  try {
    const stored = await handler.cachePut(key, response);
    await handler.doneWaiting();
    if (stored) {
      return {url: key.url, cacheName: strategy.cacheName, ...knownBody(response)};
    }
    if (process.env.NODE_ENV !== 'production') {
      logger.warn(
        `A plugin of the route serving ${key.url} declined to cache it ` +
          `(cacheWillUpdate); the record was not stored.`,
      );
    }
    return null;
  } finally {
    handler.destroy();
  }
}

/**
 * Starts writing a record whose body is still downloading (`RecordStream`)
 * into its destination, or returns `undefined` when it must wait for the
 * end: a route whose plugins have `cacheDidUpdate` gets a clone of the
 * response, and the clone of a stream keeps the whole body in memory.
 *
 * @private
 */
export function startRecordWrite(
  request: Request,
  response: Response,
  event: ExtendableEvent,
  options: RecordDestinationOptions,
): Promise<CachedRecord | null> | undefined {
  const key = cacheKeyOf(request);
  const destination = resolveRecordDestination(key, event, options);
  if (
    destination.kind === 'strategy' &&
    destination.strategy.plugins.some((plugin) => typeof plugin.cacheDidUpdate === 'function')
  ) {
    return undefined;
  }
  const cacheName =
    destination.kind === 'cache' ? destination.cacheName : destination.strategy.cacheName;
  return writeLeavingNoEmptyCache(cacheName, () => putRecord(key, response, event, destination));
}

/**
 * Runs `write`; when it fails, deletes cache `cacheName` if the write
 * created it and it is still empty (an early write of a job that then
 * failed must not leave an empty cache behind).
 */
async function writeLeavingNoEmptyCache<T>(cacheName: string, write: () => Promise<T>): Promise<T> {
  const existed = await self.caches.has(cacheName);
  try {
    return await write();
  } catch (error) {
    if (!existed && (await (await self.caches.open(cacheName)).keys()).length === 0) {
      await self.caches.delete(cacheName);
    }
    throw error;
  }
}

/**
 * Writes every record of a finished job into its destination cache (see
 * `resolveRecordDestination`), or waits for the write `options.early`
 * started during the download (a failed one is done again from the
 * record). All or nothing: when one write fails (quota, a plugin that
 * throws), the entries this call already wrote are deleted and the error
 * is rethrown, so no job leaves half its files behind.
 *
 * @private
 */
export async function cacheRecords(
  records: BackgroundFetchRecord[],
  options: CacheRecordsOptions,
): Promise<CachedRecord[]> {
  const written: CachedRecord[] = [];
  try {
    for (const [index, record] of records.entries()) {
      const early = options.early?.[index];
      let result = early
        ? await early.catch((error: unknown) => {
            if (process.env.NODE_ENV !== 'production') {
              logger.debug(`${record.request.url} is copied at the end:`, error);
            }
          })
        : undefined;
      if (result && !(await self.caches.has(result.cacheName))) {
        // The app deleted the cache while the record was written into it
        // (an activate handler's clean-up): write it again.
        result = undefined;
      }
      if (result === undefined) {
        const key = cacheKeyOf(record.request);
        const destination = resolveRecordDestination(key, options.event, options);
        result = await putRecord(key, await record.responseReady, options.event, destination);
      }
      if (result) {
        written.push(result);
      }
    }
  } catch (error) {
    await Promise.all(
      written.map(async ({cacheName, url}) => (await self.caches.open(cacheName)).delete(url)),
    );
    throw error;
  }
  return written;
}
