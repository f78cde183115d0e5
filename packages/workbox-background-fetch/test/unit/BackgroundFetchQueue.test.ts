/*
  BackgroundFetchQueue in Node, as an app's worker uses it: a queue with
  `forceFallback` runs the chunked fallback on real IndexedDB
  (fake-indexeddb), Cache Storage in memory and a fake `fetch` with Range
  support (test/unit/support). Finished records go through Workbox's real
  `registerRoute()` and `CacheFirst`. What a user sees: the bytes in the
  destination cache, one callback with the registration, get()/getIds(),
  the errors that say what to fix, and the download library's entry.
*/
import {CHANNEL_NAME} from '../../src/protocol';
import {bytes} from './fallback/simulateDownload';
import {listenOn} from './support/fakeBroadcastChannel';
import {
  FALLBACK,
  cachedBytesIn,
  createRecordingQueue,
  startQueueWorker,
} from './support/queueWorker';
import {dispatchAndWait, untilIdle} from './support/wakeWorker';
import {expectBytes} from './support/expectBytes';
import {
  expectNothingStored,
  firstChunkStored,
  storedChunkKeys,
  storedJobs,
} from './support/storedState';
import {
  FakeExtendableEvent,
  WORKER_ORIGIN,
  loadWorkerModule,
  removeWorkerGlobals,
} from './support/workerGlobals';
import type {WorkerWorld} from './support/workerGlobals';
import type {FakeAnswer} from './fallback/simulateDownload';
import type {SeenFetch} from './support/fakeFetch';
import type {Kind, QueueWorker} from './support/queueWorker';
import type {
  BackgroundFetchQueueEvent,
  BackgroundFetchQueueOptions,
} from '../../src/BackgroundFetchQueue';

const KiB = 1024;
const FILM = `${WORKER_ORIGIN}/media/film.mp4`;
const POSTER = `${WORKER_ORIGIN}/img/poster.jpg`;
const MISSING = `${WORKER_ORIGIN}/media/missing.mp4`;
const FILES = {[FILM]: bytes(1200 * KiB + 17, 3), [POSTER]: bytes(10 * KiB, 5)};

let world: WorkerWorld;
let server: QueueWorker['server'];
let modules: QueueWorker['modules'];

/** A fresh worker whose fetch serves FILES (`fault` answers first), with the runtime and Workbox loaded. */
function startWorker(fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined): void {
  ({world, server, modules} = startQueueWorker(FILES, fault));
}

/** A forceFallback queue whose callbacks are recorded; `options` override. */
function createQueue(
  name = 'films',
  options: BackgroundFetchQueueOptions = {},
  during?: (kind: Kind, event: BackgroundFetchQueueEvent) => Promise<void>,
) {
  return createRecordingQueue(
    modules,
    name,
    {forceFallback: true, fallback: FALLBACK, ...options},
    during,
  );
}

/** The bytes cache `cacheName` holds for `url` (undefined when absent). */
function cachedBytes(cacheName: string, url: string): Promise<Uint8Array | undefined> {
  return cachedBytesIn(world, cacheName, url);
}

/** Stalls the second request (one at a time: the job is mid-download and stays so). */
const stallSecond = (_: SeenFetch, index: number): FakeAnswer | undefined =>
  index === 1 ? {stall: true} : undefined;

afterEach(removeWorkerGlobals);

describe('a job from fetch() to onSuccess', () => {
  test("the records are in the route's cache, byte for byte, before onSuccess runs once with the registration", async () => {
    startWorker();
    modules.registerRoute(
      ({url}) => url.pathname.startsWith('/media/'),
      new modules.CacheFirst({cacheName: 'media'}),
    );
    const seenInCallback: Array<{urls: string[]; film?: Uint8Array}> = [];
    const {queue, calls} = createQueue('films', {library: false}, async (kind, {registration}) => {
      if (kind === 'success' && registration.id === 'film') {
        // What the cache holds as the callback starts, before it awaits anything.
        const urls = world.caches.urls('media');
        seenInCallback.push({urls, film: await cachedBytes('media', FILM)});
      }
    });
    const page = listenOn(CHANNEL_NAME);
    const registration = await queue.fetch('film', [FILM, POSTER], {title: 'The film'});
    expect(registration).toMatchObject({id: 'film', backend: 'fallback'});

    const call = await calls.of('film');
    expect(call.kind).toBe('success');
    expect(call.event.registration).toMatchObject({
      id: 'film',
      result: 'success',
      failureReason: '',
      downloaded: FILES[FILM].length + FILES[POSTER].length,
    });
    expect(call.event.event).toBeInstanceOf(FakeExtendableEvent);
    // onSuccess found the film already cached.
    expect(seenInCallback[0].urls).toEqual([FILM]);
    expectBytes(seenInCallback[0].film, FILES[FILM]);
    // /media/ went through the route's CacheFirst, the rest to the queue's default cache.
    expectBytes(await cachedBytes('media', FILM), FILES[FILM]);
    expectBytes(await cachedBytes('workbox-background-fetch-films', POSTER), FILES[POSTER]);
    expect(world.caches.urls('media')).toEqual([FILM]);
    // The film came in several Range requests.
    const forFilm = server.seen.filter(({url}) => url === FILM);
    expect(forFilm.length).toBeGreaterThan(2);

    await untilIdle(world);
    expect(calls.all.map(({kind}) => kind)).toEqual(['success']);
    expect(await queue.get('film')).toBeUndefined();
    expect(await queue.getIds()).toEqual([]);
    await expectNothingStored(world);
    const settled = (page.messages as Array<{type: string; event?: string; snapshot: {id: string}}>)
      .filter(({type}) => type === 'WBF_SETTLED')
      .map(({event, snapshot}) => [event, snapshot.id]);
    expect(settled).toEqual([['success', 'film']]);
  });

  test("queue.library has the finished download: title, each record's cache and size", async () => {
    startWorker();
    modules.registerRoute(
      ({url}) => url.pathname.startsWith('/media/'),
      new modules.CacheFirst({cacheName: 'media'}),
    );
    const {queue, calls} = createQueue();
    expect(await queue.library.get('film')).toBeUndefined();
    await queue.fetch('film', [FILM, POSTER], {title: 'The film'});
    await calls.of('film');
    const entry = await queue.library.get('film');
    expect(entry).toMatchObject({
      id: 'film',
      title: 'The film',
      missing: false,
      bytes: FILES[FILM].length + FILES[POSTER].length,
    });
    expect(entry?.records.map(({url, cacheName, bytes: size}) => [url, cacheName, size])).toEqual([
      [FILM, 'media', FILES[FILM].length],
      [POSTER, 'workbox-background-fetch-films', FILES[POSTER].length],
    ]);
    expect((await queue.library.list()).map(({id}) => id)).toEqual(['film']);
    await untilIdle(world);
  });

  test("the queue's cacheName takes every record; library: false writes no entry", async () => {
    startWorker();
    const {queue, calls} = createQueue('films', {cacheName: 'downloads', library: false});
    await queue.fetch('poster', POSTER);
    expect((await calls.of('poster')).kind).toBe('success');
    expectBytes(await cachedBytes('downloads', POSTER), FILES[POSTER]);
    expect(await queue.library.list()).toEqual([]);
    await untilIdle(world);
  });
});

describe('jobs that do not succeed', () => {
  test('a 404 calls onFail once with failureReason bad-status: nothing cached, no library entry', async () => {
    startWorker();
    const {queue, calls} = createQueue();
    await queue.fetch('broken', [POSTER, MISSING], {title: 'Broken'});
    const call = await calls.of('broken');
    expect(call.kind).toBe('fail');
    expect(call.event.registration).toMatchObject({
      id: 'broken',
      result: 'failure',
      failureReason: 'bad-status',
    });
    await untilIdle(world);
    expect(calls.all).toHaveLength(1);
    expect(await world.caches.keys()).not.toContain('workbox-background-fetch-films');
    expect(await queue.library.get('broken')).toBeUndefined();
    await expectNothingStored(world);
  });

  test('abort() calls onAbort once with failureReason aborted; the id is free again', async () => {
    startWorker(stallSecond);
    const {queue, calls} = createQueue();
    const registration = await queue.fetch('film', FILM);
    await server.arrived(1);
    expect(await registration.abort()).toBe(true);
    const call = await calls.of('film');
    expect(call.kind).toBe('abort');
    expect(call.event.registration).toMatchObject({result: 'failure', failureReason: 'aborted'});
    await untilIdle(world);
    expect(calls.all).toHaveLength(1);
    expect(await queue.getIds()).toEqual([]);
    expect(await queue.library.get('film')).toBeUndefined();
    await expectNothingStored(world);
  });

  test('records that cannot be cached (origin full) turn the success into onFail with quota-exceeded', async () => {
    startWorker();
    world.caches.failPuts = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const {queue, calls} = createQueue();
    await queue.fetch('poster', POSTER);
    const call = await calls.of('poster');
    expect(call.kind).toBe('fail');
    expect(call.event.registration).toMatchObject({
      result: 'failure',
      failureReason: 'quota-exceeded',
    });
    await untilIdle(world);
    expect(calls.all).toHaveLength(1);
    expect(await queue.library.get('poster')).toBeUndefined();
  });

  test("records that cannot be cached while the browser's count of the storage is impossible (Firefox after a kill) call no callback and keep the job as stored; after the next start it ends with onSuccess, its bytes cached", async () => {
    startWorker();
    world.estimate = {quota: 10 * 2 ** 30, usage: 18446744073622557000};
    world.caches.failPuts = new DOMException('', 'NS_ERROR_FILE_NO_DEVICE_SPACE');
    const {queue, calls} = createQueue();
    await queue.fetch('poster', POSTER);
    await untilIdle(world);
    expect(calls.all).toEqual([]);
    expect((await storedJobs(world)).map(({id}) => id)).toEqual(['poster']);
    expect(await storedChunkKeys(world)).not.toEqual([]);
    expect(await cachedBytes('workbox-background-fetch-films', POSTER)).toBeUndefined();
    // The browser starts again, its count right: a new worker, the same stores.
    world.estimate = null;
    world.caches.failPuts = null;
    modules = loadWorkerModule(() => ({
      ...modules,
      ...(require('../../src/BackgroundFetchQueue') as typeof modules),
    }));
    const next = createQueue();
    // Its first event resumes the job (on the real clock: the fake one of
    // untilIdle() stops after the keep-alive's grace, before the job ends).
    const woken = new FakeExtendableEvent('sync');
    world.self.dispatchEvent(woken);
    await Promise.all(woken.extensions);
    const call = await next.calls.of('poster');
    expect(call.kind).toBe('success');
    expectBytes((await cachedBytes('workbox-background-fetch-films', POSTER))!, FILES[POSTER]);
    expect(next.calls.all).toHaveLength(1);
    expect(calls.all).toEqual([]);
    expect(await next.queue.library.get('poster')).toMatchObject({id: 'poster'});
    await expectNothingStored(world);
  });

  test('a callback that throws does not stop the job from ending: the id is free again', async () => {
    startWorker();
    const entered: string[] = [];
    const {queue, calls} = createQueue('films', {}, async (kind, {registration}) => {
      entered.push(`${kind} ${registration.id}`);
      throw new Error('the app broke');
    });
    const page = listenOn(CHANNEL_NAME);
    await queue.fetch('poster', POSTER);
    await untilIdle(world);
    expect(entered).toEqual(['success poster']);
    expect(calls.all).toEqual([]);
    // Pages still learn that the job ended.
    expect(page.messages).toContainEqual(
      expect.objectContaining({type: 'WBF_SETTLED', event: 'success'}),
    );
    expect(await queue.getIds()).toEqual([]);
    expectBytes(await cachedBytes('workbox-background-fetch-films', POSTER), FILES[POSTER]);
  });
});

describe('get(), getIds() and the duplicate id', () => {
  test('an active job is listed and found; a second fetch() of its id rejects with duplicate-id', async () => {
    startWorker(stallSecond);
    const {queue, calls} = createQueue();
    const other = createQueue('posters');
    await queue.fetch('film', FILM, {title: 'Film'});
    expect(await queue.getIds()).toEqual(['film']);
    const found = await queue.get('film');
    expect(found).toMatchObject({id: 'film', backend: 'fallback', result: ''});
    expect(await queue.get('nope')).toBeUndefined();
    // Another queue does not see it.
    expect(await other.queue.getIds()).toEqual([]);
    expect(await other.queue.get('film')).toBeUndefined();

    const second = queue.fetch('film', POSTER);
    await expect(second).rejects.toBeInstanceOf(TypeError);
    await expect(second).rejects.toMatchObject({
      code: 'duplicate-id',
      message: expect.stringContaining('"film" is still active'),
    });
    // The refused call did not disturb the running job.
    expect(await queue.getIds()).toEqual(['film']);
    await queue._discardAll();
    await untilIdle(world);
    expect(calls.all).toEqual([]);
  });
});

describe('bad input gets an error that says what to fix', () => {
  beforeEach(() => startWorker());

  test.each([
    [
      'an unknown option',
      {onSucess: () => undefined},
      'unknown-option',
      /"?onSucess"?.*Known options: .*onSuccess/,
    ],
    [
      'a wrongly typed option',
      {forceFallback: 'yes'},
      'invalid-option-type',
      /forceFallback.*must be a boolean/,
    ],
  ])('%s in the options', (_, options, code, message) => {
    expect(
      () => new modules.BackgroundFetchQueue('films', options as BackgroundFetchQueueOptions),
    ).toThrow(
      expect.objectContaining({name: 'TypeError', code, message: expect.stringMatching(message)}),
    );
  });

  test('an empty name, then a name used twice', () => {
    expect(() => new modules.BackgroundFetchQueue('')).toThrow(
      expect.objectContaining({name: 'TypeError', code: 'invalid-queue-name'}),
    );
    createQueue('films');
    expect(() => new modules.BackgroundFetchQueue('films')).toThrow(
      expect.objectContaining({
        code: 'duplicate-queue-name',
        message: expect.stringContaining('Create each queue once'),
      }),
    );
  });

  test('fetch() with no request, a no-cors request or an empty id rejects with a TypeError and starts nothing', async () => {
    const {queue} = createQueue();
    await expect(queue.fetch('film', [])).rejects.toMatchObject({
      name: 'TypeError',
      code: 'empty-requests',
    });
    await expect(queue.fetch('film', new Request(FILM, {mode: 'no-cors'}))).rejects.toMatchObject({
      name: 'TypeError',
      code: 'no-cors-request',
    });
    await expect(queue.fetch('', FILM)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'invalid-id',
    });
    expect(server.seen).toEqual([]);
    expect(await queue.getIds()).toEqual([]);
  });
});

describe('the extensions pages use: _setPaused and _discardAll', () => {
  test('_setPaused pauses and resumes an active job (false for an unknown id); it then succeeds with the source bytes', async () => {
    startWorker(stallSecond);
    const {queue, calls} = createQueue();
    const registration = await queue.fetch('film', FILM);
    await server.arrived(1);
    await firstChunkStored(world);
    expect(await queue._setPaused('film', true)).toBe(true);
    expect(registration.snapshot()).toMatchObject({paused: true});
    expect((await storedJobs(world))[0].state).toBe('paused');
    expect(await queue._setPaused('nope', true)).toBe(false);
    expect(await queue._setPaused('film', false)).toBe(true);
    const call = await calls.of('film');
    expect(call.kind).toBe('success');
    expectBytes(await cachedBytes('workbox-background-fetch-films', FILM), FILES[FILM]);
    await untilIdle(world);
    expect(calls.all).toHaveLength(1);
  });

  test('_discardAll ends every job without a callback and leaves no record or chunk', async () => {
    startWorker(stallSecond);
    const {queue, calls} = createQueue();
    await queue.fetch('film', FILM);
    await server.arrived(1);
    await firstChunkStored(world);
    expect((await storedChunkKeys(world)).length).toBeGreaterThan(0);
    await queue._discardAll();
    expect(await queue.getIds()).toEqual([]);
    await expectNothingStored(world);
    await untilIdle(world);
    expect(calls.all).toEqual([]);
  });
});

/** A click on the last notification shown with tag `tag` (the browser's notificationclick). */
function clickNotification(tag: string) {
  const shown = world.notifications.filter(({options}) => options.tag === tag).at(-1);
  expect(shown).toBeDefined();
  const event = Object.assign(new FakeExtendableEvent('notificationclick'), {
    notification: {
      tag,
      data: shown!.options.data,
      close: () => {
        shown!.closed = true;
      },
    },
  });
  return {shown: shown!, handled: dispatchAndWait(world, event)};
}

describe('the UI of fallback jobs (notifications)', () => {
  test('updateUI() in onSuccess retitles the notification; in onAbort it rejects with InvalidStateError', async () => {
    startWorker((seen) => (seen.url === FILM ? {stall: true} : undefined));
    const outcomes: string[] = [];
    const {queue, calls} = createQueue(
      'films',
      {fallback: {...FALLBACK, notifications: true}},
      async (kind, {updateUI}) => {
        await updateUI({title: `${kind}: done`}).then(
          () => outcomes.push(`${kind} updated`),
          (error: Error & {code?: string}) => outcomes.push(`${kind} ${error.name} ${error.code}`),
        );
      },
    );
    await queue.fetch('poster', POSTER, {title: 'Poster'});
    await calls.of('poster');
    const film = await queue.fetch('film', FILM, {title: 'Film'});
    await server.arrived(1);
    await film.abort();
    await calls.of('film');
    expect(outcomes).toEqual(['success updated', 'abort InvalidStateError update-ui-not-allowed']);
    await untilIdle(world);
    const poster = world.notifications.filter(({options}) => options.tag?.includes('poster'));
    expect(poster.at(-1)?.title).toBe('success: done');
  });

  test("a click on a finished job's notification calls onClick with its registration and closes the notification", async () => {
    startWorker();
    const clicks: Array<{id: string; result: string; recordsAvailable: boolean}> = [];
    const {queue, calls} = createQueue('films', {
      fallback: {...FALLBACK, notifications: true},
      onClick: async ({registration}) => {
        clicks.push({
          id: registration.id,
          result: registration.result,
          recordsAvailable: registration.recordsAvailable,
        });
      },
    });
    await queue.fetch('poster', POSTER, {title: 'Poster'});
    await calls.of('poster');
    await untilIdle(world);
    const tag = world.notifications.at(-1)!.options.tag!;
    expect(world.notifications.at(-1)?.options.body).toBe('Download complete');
    const {shown, handled} = clickNotification(tag);
    await handled;
    expect(clicks).toEqual([{id: 'poster', result: 'success', recordsAvailable: false}]);
    expect(shown.closed).toBe(true);
    // A click is not an end: no second success.
    expect(calls.all.map(({kind}) => kind)).toEqual(['success']);
  });
});

describe('what pages reach (the page protocol) and a Chromium worker', () => {
  test('_fetchWithFallback starts a fallback job whose stored state _activeFallbackJobs lists; _info says forceFallback', async () => {
    startWorker(stallSecond);
    const {queue} = createQueue('films', {forceFallback: false});
    expect(queue._info()).toEqual({name: 'films', forceFallback: false});
    await queue._fetchWithFallback('film', [new Request(FILM)], {title: 'Film'});
    await expect(queue._fetchWithFallback('film', [new Request(POSTER)], {})).rejects.toMatchObject(
      {code: 'duplicate-id'},
    );
    const active = await queue._activeFallbackJobs();
    expect(active.map(({files}) => files.map(({request}) => request.url))).toEqual([[FILM]]);
    await queue._discardAll();
    expect(await queue._activeFallbackJobs()).toEqual([]);
    await untilIdle(world);
  });

  test('native refused in the worker with no page open: the job runs on the fallback, the source bytes are cached', async () => {
    startWorker();
    const asked: string[] = [];
    (world.self.registration as Record<string, unknown>).backgroundFetch = {
      async fetch(id: string) {
        asked.push(id);
        throw new DOMException('Not allowed in service workers.', 'NotAllowedError');
      },
      get: async () => undefined,
      getIds: async () => [],
    };
    world.self.clients = {matchAll: async () => []};
    const {queue, calls} = createQueue('films', {forceFallback: false});
    const registration = await queue.fetch('poster', POSTER);
    expect(asked).toHaveLength(1);
    expect(registration.backend).toBe('fallback');
    expect((await calls.of('poster')).kind).toBe('success');
    expectBytes(await cachedBytes('workbox-background-fetch-films', POSTER), FILES[POSTER]);
    await untilIdle(world);
  });
});

/** The browser's registration of native job `jobId` (an EventTarget with the spec's fields); `failed`: it ended with fetch-error. */
function browserRegistration(jobId: string, url: string, failed = false) {
  return Object.assign(new EventTarget(), {
    id: jobId,
    uploadTotal: 0,
    uploaded: 0,
    downloadTotal: 0,
    downloaded: 0,
    result: failed ? 'failure' : '',
    failureReason: failed ? 'fetch-error' : '',
    recordsAvailable: true,
    abort: async () => false,
    matchAll: async () => {
      const responseReady = Promise.reject(new TypeError('Failed to fetch'));
      responseReady.catch(() => undefined);
      return [{request: new Request(url), responseReady}];
    },
  });
}

describe('a native job the fallback takes over (nativeFailover)', () => {
  test('a native fetch-error continues on the fallback under the same id: one onSuccess, the source bytes cached', async () => {
    startWorker();
    const nativeIds: string[] = [];
    (world.self.registration as Record<string, unknown>).backgroundFetch = {
      async fetch(jobId: string) {
        nativeIds.push(jobId);
        return browserRegistration(jobId, POSTER);
      },
      get: async () => undefined,
      getIds: async () => [],
    };
    const {queue, calls} = createQueue('films', {forceFallback: false});
    const started = await queue.fetch('poster', POSTER, {title: 'Poster'});
    expect(started.backend).toBe('native');
    expect(nativeIds).toHaveLength(1);
    // The browser ends the job: the connection dropped.
    const failed = Object.assign(new FakeExtendableEvent('backgroundfetchfail'), {
      registration: browserRegistration(nativeIds[0], POSTER, true),
      updateUI: async () => undefined,
    });
    await dispatchAndWait(world, failed);
    const call = await calls.of('poster');
    expect(call.kind).toBe('success');
    expect(call.event.registration).toMatchObject({id: 'poster', backend: 'fallback'});
    expectBytes(await cachedBytes('workbox-background-fetch-films', POSTER), FILES[POSTER]);
    await untilIdle(world);
    expect(calls.all).toHaveLength(1);
    expect(server.seen.map(({url}) => url)).toEqual([POSTER]);
  });
});
