/*
  cacheRecords(): a finished job's records into their caches, all or
  nothing, through Workbox's real router and strategies, on Cache Storage
  in memory (workerGlobals.ts).
*/
import {
  FakeExtendableEvent,
  WORKER_ORIGIN,
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from './support/workerGlobals';
import type {WorkerWorld} from './support/workerGlobals';
import type * as CacheRecordsModule from '../../src/lib/cacheRecords';
import type {BackgroundFetchRecord} from '../../src/types';
import type * as RouteModule from 'workbox-routing/Route.js';
import type * as RouterModule from 'workbox-routing/Router.js';
import type * as CacheFirstModule from 'workbox-strategies/CacheFirst.js';
import type {WorkboxPlugin} from 'workbox-core/types.js';

let world: WorkerWorld;
let modules: typeof CacheRecordsModule &
  typeof RouteModule &
  typeof RouterModule &
  typeof CacheFirstModule;

beforeEach(() => {
  world = installWorkerGlobals();
  modules = loadWorkerModule(() => ({
    ...(require('../../src/lib/cacheRecords') as typeof CacheRecordsModule),
    ...(require('workbox-routing/Route.js') as typeof RouteModule),
    ...(require('workbox-routing/Router.js') as typeof RouterModule),
    ...(require('workbox-strategies/CacheFirst.js') as typeof CacheFirstModule),
  }));
});
afterEach(removeWorkerGlobals);

const EPISODE = `${WORKER_ORIGIN}/media/ep-5.mp3`;
const COVER = `${WORKER_ORIGIN}/img/ep-5.jpg`;

function record(url: string, body: string | Error, init: RequestInit = {}): BackgroundFetchRecord {
  const responseReady =
    body instanceof Error ? Promise.reject(body) : Promise.resolve(new Response(body));
  responseReady.catch(() => undefined);
  return {request: new Request(url, init), responseReady};
}

async function cached(cacheName: string, url: string): Promise<string | undefined> {
  const response = await (await world.caches.open(cacheName)).match(url);
  return response?.text();
}

/** A router whose /media/ route caches in 'media' through `plugins`. */
function mediaRouter(plugins: WorkboxPlugin[] = []) {
  const router = new modules.Router();
  router.registerRoute(
    new modules.Route(
      ({url}) => url.pathname.startsWith('/media/'),
      new modules.CacheFirst({cacheName: 'media', plugins}),
    ),
  );
  return router;
}

describe('cacheRecords()', () => {
  test("the queue's cacheName takes every record; a POST record is stored under a plain GET of its URL", async () => {
    const event = new FakeExtendableEvent('backgroundfetchsuccess');
    const written = await modules.cacheRecords(
      [record(EPISODE, 'audio'), record(COVER, 'image', {method: 'POST', body: 'q'})],
      {event, cacheName: 'downloads', defaultCacheName: 'unused'},
    );
    expect(written).toEqual([
      {url: EPISODE, cacheName: 'downloads'},
      {url: COVER, cacheName: 'downloads'},
    ]);
    expect(await cached('downloads', EPISODE)).toBe('audio');
    expect(await cached('downloads', COVER)).toBe('image');
    expect(world.caches.caches.has('unused')).toBe(false);
  });

  test("without cacheName a record goes through the strategy of the route that serves its URL (its cache, its plugins); others to the queue's cache", async () => {
    const seenByPlugin: string[] = [];
    const router = mediaRouter([
      {
        cacheWillUpdate: async ({request, response}) => {
          seenByPlugin.push(request.url);
          return response;
        },
      },
    ]);
    const event = new FakeExtendableEvent('backgroundfetchsuccess');
    const written = await modules.cacheRecords([record(EPISODE, 'audio'), record(COVER, 'image')], {
      event,
      defaultCacheName: 'wbf-downloads',
      router,
    });
    expect(written).toEqual([
      {url: EPISODE, cacheName: 'media'},
      {url: COVER, cacheName: 'wbf-downloads'},
    ]);
    expect(seenByPlugin).toEqual([EPISODE]);
    expect(await cached('media', EPISODE)).toBe('audio');
    expect(await cached('wbf-downloads', COVER)).toBe('image');
  });

  test('a route plugin that changes the cache key (cacheKeyWillBeUsed): the record is written once, under that key, and reported with it', async () => {
    const keys: string[] = [];
    let puts = 0;
    const router = mediaRouter([
      {
        cacheKeyWillBeUsed: async ({request, mode}) => {
          keys.push(`${mode} ${request.url}`);
          return `${request.url}?v=2`;
        },
        cacheWillUpdate: async ({response}) => {
          puts += 1;
          return response;
        },
      },
    ]);
    const event = new FakeExtendableEvent('backgroundfetchsuccess');
    const options = {event, defaultCacheName: 'wbf-downloads', router};
    const early = modules.startRecordWrite(
      new Request(EPISODE),
      new Response('audio'),
      event,
      options,
    );
    expect(await early).toMatchObject({url: `${EPISODE}?v=2`, cacheName: 'media'});
    const written = await modules.cacheRecords(
      async () => {
        throw new Error('The records were read: the early write was not recognised.');
      },
      {...options, early: [early]},
    );
    expect(written).toEqual([{url: `${EPISODE}?v=2`, cacheName: 'media'}]);
    expect(puts).toBe(1);
    expect(keys).toEqual([`write ${EPISODE}`]);
    expect(await cached('media', `${EPISODE}?v=2`)).toBe('audio');
    expect(await cached('media', EPISODE)).toBeUndefined();
  });

  test('a plugin that declines a record (cacheWillUpdate → null) leaves it out of what was written', async () => {
    const router = mediaRouter([{cacheWillUpdate: async () => null}]);
    const written = await modules.cacheRecords([record(EPISODE, 'audio')], {
      event: new FakeExtendableEvent('backgroundfetchsuccess'),
      defaultCacheName: 'wbf-downloads',
      router,
    });
    expect(written).toEqual([]);
    expect(await cached('media', EPISODE)).toBeUndefined();
  });

  test('all or nothing: when a later record fails, the ones already written are deleted and the error is thrown', async () => {
    const failure = new TypeError('The response could not be fetched.');
    await expect(
      modules.cacheRecords([record(COVER, 'image'), record(EPISODE, failure)], {
        event: new FakeExtendableEvent('backgroundfetchsuccess'),
        cacheName: 'downloads',
        defaultCacheName: 'unused',
      }),
    ).rejects.toBe(failure);
    expect(world.caches.urls('downloads')).toEqual([]);
  });

  test('all or nothing through a strategy: a plugin that throws, or a full origin, leaves no record behind', async () => {
    const event = new FakeExtendableEvent('backgroundfetchsuccess');
    const refusing = mediaRouter([
      {
        cacheWillUpdate: async () => {
          throw new Error('plugin failed');
        },
      },
    ]);
    await expect(
      modules.cacheRecords([record(COVER, 'image'), record(EPISODE, 'audio')], {
        event,
        defaultCacheName: 'wbf-downloads',
        router: refusing,
      }),
    ).rejects.toThrow('plugin failed');
    expect(world.caches.urls('wbf-downloads')).toEqual([]);
    // An Error of the test's realm: Workbox rethrows only `instanceof Error` (every browser
    // DOMException is one; Node's is of another realm under jest).
    world.caches.failPuts = Object.assign(new Error('Full.'), {name: 'QuotaExceededError'});
    await expect(
      modules.cacheRecords([record(EPISODE, 'audio')], {
        event,
        defaultCacheName: 'wbf-downloads',
        router: mediaRouter(),
      }),
    ).rejects.toMatchObject({name: 'QuotaExceededError'});
    expect(world.caches.urls('media')).toEqual([]);
  });

  test('a write dropped during the download that cleans up the cache it created never deletes the record copied at the end meanwhile', async () => {
    const event = new FakeExtendableEvent('backgroundfetchsuccess');
    const options = {cacheName: 'media', defaultCacheName: 'unused'};
    let cut!: (error: Error) => void;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        cut = (error) => controller.error(error);
      },
    });
    const early = modules.startRecordWrite(
      new Request(EPISODE),
      new Response(body),
      event,
      options,
    )!;
    const failed = expect(early).rejects.toThrow('dropped');
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The clean-up's keys() sees the cache empty, then the copy at the end
    // runs whole before the clean-up goes on (as a late failure was seen doing).
    const cache = Object.getPrototypeOf(await world.caches.open('probe')) as {
      keys: (...args: unknown[]) => Promise<unknown[]>;
    };
    await world.caches.delete('probe');
    const keys = cache.keys;
    let copied!: () => void;
    const copy = new Promise<void>((resolve) => {
      copied = resolve;
    });
    cache.keys = async function (this: unknown, ...args: unknown[]) {
      const result = await keys.apply(this, args);
      if (args.length === 0) await copy;
      return result;
    };
    try {
      cut(new Error('dropped'));
      await new Promise((resolve) => setTimeout(resolve, 0));
      await modules.cacheRecords([record(EPISODE, 'the episode')], {
        ...options,
        event,
        early: [undefined],
      });
      copied();
      await failed;
    } finally {
      cache.keys = keys;
    }
    expect(await cached('media', EPISODE)).toBe('the episode');
  });
});
