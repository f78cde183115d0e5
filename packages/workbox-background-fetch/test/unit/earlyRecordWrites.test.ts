/*
  A fallback job whose chunks go to IndexedDB writes each record into its
  destination cache while it downloads (EarlyRecords.ts): one pass, no copy
  of the whole file after the last byte. What a user checks: the bytes in
  the cache are the source's (also when the file changed mid-way), nothing
  is in the cache before the success and nothing stays after a failure,
  and where the early write is not used the record is still cached whole.
  Chunks in IndexedDB or in Cache Storage: the same.
*/
import {bytes, serveFile} from './fallback/simulateDownload';
import {expectBytes} from './support/expectBytes';
import {FakeCache} from './support/fakeCaches';
import {
  FALLBACK,
  cachedBytesIn,
  createRecordingQueue,
  startQueueWorker,
} from './support/queueWorker';
import {expectNothingStored} from './support/storedState';
import {untilIdle} from './support/wakeWorker';
import {WORKER_ORIGIN, removeWorkerGlobals} from './support/workerGlobals';
import type {FakeAnswer} from './fallback/simulateDownload';
import type {SeenFetch} from './support/fakeFetch';
import type {QueueWorker} from './support/queueWorker';
import type {FallbackBackendOptions} from '../../src/lib/fallback/FallbackBackend';
import type * as CacheChunkStoreModule from '../../src/lib/fallback/CacheChunkStore';

const KiB = 1024;
const FILM = `${WORKER_ORIGIN}/media/film.mp4`;
const MISSING = `${WORKER_ORIGIN}/media/missing.mp4`;
const TRAILER = `${WORKER_ORIGIN}/media/trailer.mp4`;
const POSTER = `${WORKER_ORIGIN}/media/poster.jpg`;
const FILES = {
  [FILM]: bytes(1200 * KiB + 17, 3),
  [TRAILER]: bytes(600 * KiB + 3, 5),
  [POSTER]: bytes(300 * KiB + 1, 7),
};
const NEW_VERSION = bytes(1100 * KiB + 5, 9);

/** Every `cache.put()` of FILM: how many requests the server had seen when it was called. */
function watchPuts(worker: QueueWorker): number[] {
  const seenAtPut: number[] = [];
  const put = FakeCache.prototype.put;
  jest.spyOn(FakeCache.prototype, 'put').mockImplementation(function (
    this: FakeCache,
    request,
    response,
  ) {
    if (String(request instanceof Request ? request.url : request) === FILM) {
      seenAtPut.push(worker.server.seen.length);
    }
    return put.call(this, request, response);
  });
  return seenAtPut;
}

function start(fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined) {
  const worker = startQueueWorker({...FILES}, fault);
  const seenAtPut = watchPuts(worker);
  const queue = (options: FallbackBackendOptions = FALLBACK, rest = {}) =>
    createRecordingQueue(worker.modules, 'films', {
      forceFallback: true,
      fallback: options,
      cacheName: 'media',
      ...rest,
    });
  return {...worker, seenAtPut, queue};
}

afterEach(() => {
  jest.restoreAllMocks();
  removeWorkerGlobals();
});

test.each(['indexeddb', 'cache-storage'] as const)(
  'chunks in %s: the write into the cache starts with the download, the entry appears with the success, with the source bytes and the library knows its size',
  async (chunkStorage) => {
    const {world, server, seenAtPut, queue} = start();
    const {queue: films, calls} = queue({...FALLBACK, chunkStorage});
    let inCacheBeforeEnd: Uint8Array | undefined;
    const done = films.fetch('film', FILM).then(async () => {
      await server.arrived(2);
      inCacheBeforeEnd = await cachedBytesIn(world, 'media', FILM);
    });
    const call = await calls.of('film');
    await done;
    expect(call.kind).toBe('success');
    // One put, started after the first response, long before the last request.
    expect(seenAtPut).toHaveLength(1);
    expect(seenAtPut[0]).toBeLessThan(3);
    expect(server.seen.filter(({url}) => url === FILM).length).toBeGreaterThan(3);
    expect(inCacheBeforeEnd).toBeUndefined();
    expectBytes(await cachedBytesIn(world, 'media', FILM), FILES[FILM]);
    const entry = await films.library.get('film');
    expect(entry?.records.map(({url, bytes: size}) => [url, size])).toEqual([
      [FILM, FILES[FILM].length],
    ]);
    await untilIdle(world);
    await expectNothingStored(world);
  },
);

test('a part whose store fails (not for quota) is fetched again; the record written during the download still ends whole, in one pass', async () => {
  const {world, server, seenAtPut, queue} = start();
  // Chunks in Cache Storage: the third chunk put fails once, as a disk error would.
  const spy = jest.mocked(FakeCache.prototype.put);
  const put = spy.getMockImplementation()!;
  let chunkPuts = 0;
  const {CHUNK_URL_BASE: chunkUrlBase} =
    require('../../src/lib/fallback/CacheChunkStore') as typeof CacheChunkStoreModule;
  spy.mockImplementation(function (this: FakeCache, request, response) {
    const url = String(request instanceof Request ? request.url : request);
    if (url.startsWith(chunkUrlBase) && ++chunkPuts === 3) {
      return Promise.reject(new Error('disk I/O error'));
    }
    return put.call(this, request, response);
  });
  const {queue: films, calls} = queue({...FALLBACK, chunkStorage: 'cache-storage'});
  await films.fetch('film', FILM);
  expect((await calls.of('film')).kind).toBe('success');
  expect(chunkPuts).toBeGreaterThan(3);
  // The failed part was asked again (one more request than chunks stored).
  expect(server.seen.filter(({url}) => url === FILM).length).toBeGreaterThan(3);
  expect(seenAtPut).toHaveLength(1);
  expectBytes(await cachedBytesIn(world, 'media', FILM), FILES[FILM]);
  await untilIdle(world);
  await expectNothingStored(world);
});

test('the file changes on the server mid-download: the first write is dropped, the cache holds the new version whole', async () => {
  const {world, seenAtPut, queue} = start((seen, index) =>
    index >= 2 && seen.url === FILM ? serveFile(NEW_VERSION, {etag: '"v2"'}, seen) : undefined,
  );
  const {queue: films, calls} = queue();
  await films.fetch('film', FILM);
  expect((await calls.of('film')).kind).toBe('success');
  expect(seenAtPut.length).toBeGreaterThanOrEqual(2);
  expectBytes(await cachedBytesIn(world, 'media', FILM), NEW_VERSION);
  await untilIdle(world);
  await expectNothingStored(world);
});

test("a job that fails after a record's write began leaves no entry, and the cache's other entries stay", async () => {
  const {world, seenAtPut, queue} = start();
  const other = `${WORKER_ORIGIN}/other.txt`;
  await (await world.caches.open('media')).put(other, new Response('kept'));
  const {queue: films, calls} = queue();
  await films.fetch('broken', [FILM, MISSING]);
  const call = await calls.of('broken');
  expect(call.kind).toBe('fail');
  expect(call.event.registration.failureReason).toBe('bad-status');
  expect(seenAtPut).toHaveLength(1);
  expect(await cachedBytesIn(world, 'media', FILM)).toBeUndefined();
  expect(world.caches.urls('media')).toEqual([other]);
  await untilIdle(world);
  await expectNothingStored(world);
});

test('abort() mid-download: nothing in the cache, and no empty cache is left', async () => {
  const {world, server, seenAtPut, queue} = start((_, index) =>
    index === 2 ? {stall: true} : undefined,
  );
  const {queue: films, calls} = queue();
  const registration = await films.fetch('film', FILM);
  await server.arrived(2);
  expect(seenAtPut).toHaveLength(1);
  expect(await registration.abort()).toBe(true);
  expect((await calls.of('film')).kind).toBe('abort');
  await untilIdle(world);
  expect(await world.caches.has('media')).toBe(false);
  await expectNothingStored(world);
});

test("a route whose plugin has cacheDidUpdate gets the record at the end, through its strategy (a stream's clone would hold the whole file in memory)", async () => {
  const {world, server, seenAtPut, modules} = start();
  const updates: string[] = [];
  modules.registerRoute(
    ({url}) => url.pathname.startsWith('/media/'),
    new modules.CacheFirst({
      cacheName: 'routed',
      plugins: [{cacheDidUpdate: async ({request}) => void updates.push(request.url)}],
    }),
  );
  const {queue: films, calls} = createRecordingQueue(modules, 'films', {
    forceFallback: true,
    fallback: FALLBACK,
  });
  await films.fetch('film', FILM);
  expect((await calls.of('film')).kind).toBe('success');
  expect(seenAtPut).toEqual([server.seen.length]);
  expect(updates).toEqual([FILM]);
  expectBytes(await cachedBytesIn(world, 'routed', FILM), FILES[FILM]);
  await untilIdle(world);
});

test('the app deletes the destination cache mid-download (an activate clean-up): the record is written again at the end', async () => {
  let world: QueueWorker['world'] | undefined;
  const started = start((_, index) => {
    if (index === 2) {
      void world?.caches.delete('media');
    }
    return undefined;
  });
  world = started.world;
  const {queue: films, calls} = started.queue();
  await films.fetch('film', FILM);
  expect((await calls.of('film')).kind).toBe('success');
  expect(started.seenAtPut).toHaveLength(2);
  expectBytes(await cachedBytesIn(started.world, 'media', FILM), FILES[FILM]);
  expect((await films.library.get('film'))?.records[0]).toMatchObject({url: FILM});
  await untilIdle(started.world);
  await expectNothingStored(started.world);
});

test('the app deletes the destination cache mid-download, then writes into a new cache of that name: every record of the job is written again', async () => {
  let world: QueueWorker['world'] | undefined;
  const other = `${WORKER_ORIGIN}/other.txt`;
  const started = start((_, index) => {
    if (index === 3) {
      void world?.caches
        .delete('media')
        .then(async () => (await world!.caches.open('media')).put(other, new Response('app')));
    }
    return undefined;
  });
  world = started.world;
  const {queue: films, calls} = started.queue();
  await films.fetch('set', [FILM, TRAILER]);
  expect((await calls.of('set')).kind).toBe('success');
  expectBytes(await cachedBytesIn(world, 'media', FILM), FILES[FILM]);
  expectBytes(await cachedBytesIn(world, 'media', TRAILER), FILES[TRAILER]);
  expect(world.caches.urls('media').sort()).toEqual([FILM, other, TRAILER].sort());
  expect((await films.library.get('set'))?.missing).toBe(false);
  await untilIdle(world);
  await expectNothingStored(world);
});

test('two jobs write into a cache that did not exist; one is aborted mid-way: the other still ends with every record cached', async () => {
  let abortFilm: (() => Promise<boolean>) | undefined;
  let filmRequests = 0;
  let trailerRequests = 0;
  const started = start((seen) => {
    if (seen.url === FILM && ++filmRequests > 1) {
      return {stall: true};
    }
    if (seen.url === TRAILER && ++trailerRequests === 2) {
      // The other job's early writes are running: abort the first job now.
      void abortFilm?.();
    }
    return undefined;
  });
  const {world, server} = started;
  const {queue: films, calls} = started.queue();
  const film = await films.fetch('film', FILM);
  abortFilm = () => film.abort();
  await server.arrived(1);
  await films.fetch('extras', [TRAILER, POSTER]);
  expect((await calls.of('film')).kind).toBe('abort');
  expect((await calls.of('extras')).kind).toBe('success');
  expect(await cachedBytesIn(world, 'media', FILM)).toBeUndefined();
  expectBytes(await cachedBytesIn(world, 'media', TRAILER), FILES[TRAILER]);
  expectBytes(await cachedBytesIn(world, 'media', POSTER), FILES[POSTER]);
  expect((await films.library.get('extras'))?.missing).toBe(false);
  await untilIdle(world);
  await expectNothingStored(world);
});

test('a route whose match callback throws: the job still ends, with onFail (fetch-error), and nothing is cached', async () => {
  const {world, modules} = start();
  modules.registerRoute(
    ({url}) => {
      if (url.pathname.startsWith('/media/')) {
        throw new Error('a broken route');
      }
      return false;
    },
    new modules.CacheFirst({cacheName: 'routed'}),
  );
  const {queue: films, calls} = createRecordingQueue(modules, 'films', {
    forceFallback: true,
    fallback: FALLBACK,
  });
  await films.fetch('film', FILM);
  const call = await calls.of('film');
  expect(call.kind).toBe('fail');
  expect(call.event.registration.failureReason).toBe('fetch-error');
  expect(await world.caches.keys()).toEqual([]);
  await untilIdle(world);
  await expectNothingStored(world);
});
