import {StrategyHandler} from 'workbox-strategies/StrategyHandler.js';
import {knownBodySize} from './knownBodySize.js';
import {logger} from './logger.js';
import {resolveRecordDestination} from './resolveRecordDestination.js';
import type {RecordDestination} from './resolveRecordDestination.js';
import type {Router} from 'workbox-routing/Router.js';
import type {BackgroundFetchRecord} from '../types.js';

/** Where one record was written. */
export interface CachedRecord {
  /** The key of its entry: the record's URL, or what a route's `cacheKeyWillBeUsed` made of it. */
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
      // The key cachePut wrote under (the handler keeps it: the plugins do not run again).
      const {url} = await handler.getCacheKey(key, 'write');
      return {url, cacheName: strategy.cacheName, ...knownBody(response)};
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
  return writeLeavingNoEmptyCache(cacheNameOf(destination), () =>
    putRecord(key, response, event, destination),
  );
}

/** The cache a destination writes into. */
function cacheNameOf(destination: RecordDestination): string {
  return destination.kind === 'cache' ? destination.cacheName : destination.strategy.cacheName;
}

/** Record writes in progress in this worker, by cache name. */
const writing = new Map<string, number>();

/** Record writes ever started in this worker, by cache name. */
const started = new Map<string, number>();

/** Runs `write`, counted in `writing` under `cacheName` meanwhile. */
async function tracked<T>(cacheName: string, write: () => Promise<T>): Promise<T> {
  writing.set(cacheName, (writing.get(cacheName) ?? 0) + 1);
  started.set(cacheName, (started.get(cacheName) ?? 0) + 1);
  try {
    return await write();
  } finally {
    const left = writing.get(cacheName)! - 1;
    if (left > 0) {
      writing.set(cacheName, left);
    } else {
      writing.delete(cacheName);
    }
  }
}

/**
 * Runs `write`; when it fails, deletes cache `cacheName` if the write
 * created it and it is still empty (an early write of a job that then
 * failed must not leave an empty cache behind), unless other records are
 * being written into it (their entries show only once their bodies end:
 * an "empty" cache may be the destination of other running jobs), or one
 * started while it looked: a dropped early write fails late, and the copy
 * at the end that replaced it could land in the cache just before the
 * delete, the job reporting a success whose record was gone (a success
 * without its record was seen once in npm run bench, Chromium).
 */
function writeLeavingNoEmptyCache<T>(cacheName: string, write: () => Promise<T>): Promise<T> {
  return tracked(cacheName, async () => {
    const existed = await self.caches.has(cacheName);
    try {
      return await write();
    } catch (error) {
      const before = started.get(cacheName);
      if (
        !existed &&
        writing.get(cacheName) === 1 &&
        (await (await self.caches.open(cacheName)).keys()).length === 0 &&
        // Checked again with no await before the delete is asked: a write
        // that starts later opens the cache after it is deleted.
        started.get(cacheName) === before
      ) {
        await self.caches.delete(cacheName);
      }
      throw error;
    }
  });
}

/**
 * True when the entry an early write made is still there: the app (an
 * activate clean-up) or a failed job may have deleted its cache meanwhile,
 * and a cache of the same name created since does not hold it. `url` is
 * the key written (a route's `cacheKeyWillBeUsed` applied).
 */
async function stillCached({url, cacheName}: CachedRecord): Promise<boolean> {
  return (
    (await self.caches.has(cacheName)) &&
    (await (await self.caches.open(cacheName)).keys(url, {ignoreVary: true})).length > 0
  );
}

/**
 * Writes every record of a finished job into its destination cache (see
 * `resolveRecordDestination`), or waits for the write `options.early`
 * started during the download (a failed one is done again from the
 * record). All or nothing: when one write fails (quota, a plugin that
 * throws), the entries this call already wrote are deleted and the error
 * is rethrown, so no job leaves half its files behind.
 *
 * @param records The job's records, or a function that reads them: with
 *     `options.early` (one entry per record), it is called only when a
 *     record must be copied. Reading a fallback job's records reads all
 *     its stored parts (seen taking 3.4 s per 256 MiB on WebKitGTK).
 *
 * @private
 */
export async function cacheRecords(
  records: BackgroundFetchRecord[] | (() => Promise<BackgroundFetchRecord[]>),
  options: CacheRecordsOptions,
): Promise<CachedRecord[]> {
  let read: Promise<BackgroundFetchRecord[]> | undefined;
  const readRecords = (): Promise<BackgroundFetchRecord[]> =>
    (read ??= Array.isArray(records) ? Promise.resolve(records) : records());
  const count = Array.isArray(records)
    ? records.length
    : (options.early?.length ?? (await readRecords()).length);
  const written: CachedRecord[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const early = options.early?.[index];
      let result = early
        ? await early.catch((error: unknown) => {
            if (process.env.NODE_ENV !== 'production') {
              logger.debug('A record is copied at the end:', error);
            }
          })
        : undefined;
      if (result && !(await stillCached(result))) {
        result = undefined;
      }
      if (result === undefined) {
        const record = (await readRecords())[index];
        const key = cacheKeyOf(record.request);
        const destination = resolveRecordDestination(key, options.event, options);
        const response = await record.responseReady;
        result = await tracked(cacheNameOf(destination), () =>
          putRecord(key, response, options.event, destination),
        );
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
