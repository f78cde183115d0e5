/*
  The worker polyfill's hidden queue (WorkerJobs) in Node, reached the way
  an app reaches it: `import 'workbox-background-fetch/polyfill'`, then
  `self.registration.backgroundFetch.fetch()` and `backgroundfetch*`
  listeners on `self`. The worker's I/O edges are the fakes of
  test/unit/support (fake-indexeddb, Cache Storage and BroadcastChannel in
  memory, a fake `fetch` with Range support); `ServiceWorkerGlobalScope` and
  `ServiceWorkerRegistration` are bare classes so the polyfill installs.
*/
import {CHANNEL_NAME} from '../../../src/protocol';
import {bytes} from '../fallback/simulateDownload';
import {listenOn} from '../support/fakeBroadcastChannel';
import {fakeFetch} from '../support/fakeFetch';
import {dispatchAndWait, untilIdle} from '../support/wakeWorker';
import {expectBytes} from '../support/expectBytes';
import {defineGlobal, saveGlobals} from '../support/globals';
import {expectNothingStored} from '../support/storedState';
import {
  FakeExtendableEvent,
  WORKER_ORIGIN,
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import type {WorkerWorld} from '../support/workerGlobals';
import type {FakeAnswer} from '../fallback/simulateDownload';
import type {SeenFetch} from '../support/fakeFetch';
import type * as RegistryModule from '../../../src/lib/queueRegistry';
import {POLYFILL_QUEUE} from '../../../src/protocol';
import type {
  BackgroundFetchManager,
  BackgroundFetchRegistration,
  BackgroundFetchUIOptions,
} from '../../../src/types';

const KiB = 1024;
const FILM = `${WORKER_ORIGIN}/media/film.mp4`;
const POSTER = `${WORKER_ORIGIN}/img/poster.jpg`;
const MISSING = `${WORKER_ORIGIN}/media/missing.mp4`;
const FILES = {[FILM]: bytes(300 * KiB + 7, 3), [POSTER]: bytes(10 * KiB, 5)};

/** What the polyfill defines on the global object (put back after each test). */
const POLYFILL_GLOBALS = [
  'BackgroundFetchManager',
  'BackgroundFetchRegistration',
  'BackgroundFetchRecord',
  'BackgroundFetchEvent',
  'BackgroundFetchUpdateUIEvent',
  'QuotaExceededError',
];

/** The event a `backgroundfetch*` listener gets. */
type BackgroundFetchEventLike = Event & {
  registration: BackgroundFetchRegistration;
  waitUntil(promise: Promise<unknown>): void;
  updateUI?(options?: BackgroundFetchUIOptions): Promise<void>;
};

let world: WorkerWorld;
/** The worker's queue registry, through which pages reach the polyfill's jobs. */
let registry: typeof RegistryModule;
let server: ReturnType<typeof fakeFetch>;

/**
 * A new worker with the polyfill imported. `native`: the engine's own
 * manager (a Chromium engine: `BackgroundFetchManager` and
 * `navigator.userAgentData` present); absent: an engine without native.
 */
function startWorker({
  fault,
  native,
}: {
  fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined;
  native?: BackgroundFetchManager;
} = {}): BackgroundFetchManager {
  server = fakeFetch(FILES, {fault});
  world = installWorkerGlobals(server.fetch);
  class ServiceWorkerGlobalScope extends EventTarget {}
  class ServiceWorkerRegistration {}
  Object.setPrototypeOf(world.self, ServiceWorkerGlobalScope.prototype);
  const registration = world.self.registration as Record<string, unknown>;
  Object.setPrototypeOf(registration, ServiceWorkerRegistration.prototype);
  registration.active = {state: 'activated'};
  // No page is open.
  world.self.clients = {matchAll: async () => []};
  if (native) {
    world.self.BackgroundFetchManager = class {};
    (globalThis.navigator as {userAgentData?: object}).userAgentData = {};
    (ServiceWorkerRegistration.prototype as {backgroundFetch?: unknown}).backgroundFetch = native;
  }
  saveGlobals(...POLYFILL_GLOBALS);
  defineGlobal('ServiceWorkerGlobalScope', ServiceWorkerGlobalScope);
  defineGlobal('ServiceWorkerRegistration', ServiceWorkerRegistration);
  registry = loadWorkerModule(() => {
    require('../../../src/polyfill');
    return require('../../../src/lib/queueRegistry') as typeof RegistryModule;
  });
  return registration.backgroundFetch as BackgroundFetchManager;
}

/** The polyfill's global interface `name`. */
function globalClass(name: string): abstract new (...args: never[]) => unknown {
  return (globalThis as unknown as Record<string, never>)[name];
}

/**
 * Every `backgroundfetch<type>` event, and the first one's handler result:
 * `handle` runs inside `waitUntil()`, as an app's handler does.
 */
function listen<T>(
  type: 'success' | 'fail' | 'abort' | 'click',
  handle: (event: BackgroundFetchEventLike) => Promise<T>,
): {events: BackgroundFetchEventLike[]; handled: Promise<T>} {
  const events: BackgroundFetchEventLike[] = [];
  let done!: (value: T) => void;
  let failed!: (error: unknown) => void;
  const handled = new Promise<T>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  world.self.addEventListener(`backgroundfetch${type}`, (event) => {
    const fetchEvent = event as BackgroundFetchEventLike;
    events.push(fetchEvent);
    fetchEvent.waitUntil(handle(fetchEvent).then(done, failed));
  });
  return {events, handled};
}

/** Each record's URL, status and bytes, read as an app's handler reads them. */
async function readRecords(registration: BackgroundFetchRegistration) {
  const records = await registration.matchAll();
  return Promise.all(
    records.map(async ({request, responseReady}) => {
      const response = await responseReady;
      return {
        url: request.url,
        status: response.status,
        bytes: new Uint8Array(await response.arrayBuffer()),
      };
    }),
  );
}

afterEach(removeWorkerGlobals);

describe('an engine without native Background Fetch', () => {
  test('fetch() runs a fallback job; backgroundfetchsuccess fires once on self with the registration and its bytes; updateUI works once', async () => {
    const manager = startWorker();
    expect(manager).toBeInstanceOf(globalClass('BackgroundFetchManager'));
    const page = listenOn(CHANNEL_NAME);
    const success = listen('success', async (event) => {
      // A page asking for the records while the event runs gets them (the job is no longer active).
      const forPages = await registry.findQueue(POLYFILL_QUEUE)!._withRecords?.('film');
      const active = await manager.get('film');
      const records = await readRecords(event.registration);
      await event.updateUI!({title: 'Film ready'});
      const again = await event.updateUI!({title: 'again'}).then(
        () => 'updated twice',
        (error: Error) => error.name,
      );
      return {records, again, forPages, active};
    });
    const registration = await manager.fetch('film', [FILM, POSTER], {title: 'Film'});
    expect(registration).toBeInstanceOf(globalClass('BackgroundFetchRegistration'));
    expect(registration.id).toBe('film');

    const {records, again, forPages, active} = await success.handled;
    expect(active).toBeUndefined();
    expect(forPages?.id).toBe('film');
    expect(forPages?.recordsAvailable).toBe(true);
    expect(records.map(({url, status}) => [url, status])).toEqual([
      [FILM, 200],
      [POSTER, 200],
    ]);
    expectBytes(records[0].bytes, FILES[FILM]);
    expectBytes(records[1].bytes, FILES[POSTER]);
    expect(again).toBe('InvalidStateError');
    const [event] = success.events;
    expect(event).toBeInstanceOf(globalClass('BackgroundFetchUpdateUIEvent'));
    // The event's registration is the one fetch() returned.
    expect(event.registration).toBe(registration);
    expect(event.registration).toMatchObject({
      result: 'success',
      failureReason: '',
      downloaded: FILES[FILM].length + FILES[POSTER].length,
    });
    expect(world.notifications.at(-1)?.title).toBe('Film ready');

    await untilIdle(world);
    expect(success.events).toHaveLength(1);
    // The records were readable until the handler's waitUntil() settled, not after.
    expect(registration.recordsAvailable).toBe(false);
    await expect(registration.matchAll()).rejects.toMatchObject({name: 'InvalidStateError'});
    expect(await manager.get('film')).toBeUndefined();
    expect(await manager.getIds()).toEqual([]);
    await expectNothingStored(world);
    expect(page.messages).toContainEqual(
      expect.objectContaining({
        type: 'WBF_SETTLED',
        event: 'success',
        snapshot: expect.objectContaining({id: 'film', recordsAvailable: false}),
      }),
    );
  });

  test('a 404 fires backgroundfetchfail once with failureReason bad-status; the record holds the 404', async () => {
    const manager = startWorker();
    const fail = listen('fail', (event) => readRecords(event.registration));
    await manager.fetch('broken', [POSTER, MISSING]);
    const records = await fail.handled;
    expect(fail.events[0].registration).toMatchObject({
      id: 'broken',
      result: 'failure',
      failureReason: 'bad-status',
    });
    expect(records.map(({url, status}) => [url, status])).toEqual([
      [POSTER, 200],
      [MISSING, 404],
    ]);
    await untilIdle(world);
    expect(fail.events).toHaveLength(1);
    await expectNothingStored(world);
  });

  test('abort() fires backgroundfetchabort (no updateUI) with failureReason aborted', async () => {
    const manager = startWorker({fault: () => ({stall: true})});
    const abort = listen('abort', async () => undefined);
    const registration = await manager.fetch('film', FILM);
    await server.arrived(0);
    expect(await registration.abort()).toBe(true);
    await abort.handled;
    const [event] = abort.events;
    expect(event).toBeInstanceOf(globalClass('BackgroundFetchEvent'));
    expect(event).not.toBeInstanceOf(globalClass('BackgroundFetchUpdateUIEvent'));
    expect(event.registration).toMatchObject({result: 'failure', failureReason: 'aborted'});
    await untilIdle(world);
    expect(abort.events).toHaveLength(1);
    expect(await manager.getIds()).toEqual([]);
    await expectNothingStored(world);
  });

  test('get() and getIds() list the active job; its id again rejects with duplicate-id', async () => {
    const manager = startWorker({fault: () => ({stall: true})});
    const registration = await manager.fetch('film', FILM);
    expect(await manager.getIds()).toEqual(['film']);
    expect(await manager.get('film')).toBe(registration);
    expect(await manager.get('other')).toBeUndefined();
    const second = manager.fetch('film', POSTER);
    await expect(second).rejects.toBeInstanceOf(TypeError);
    await expect(second).rejects.toMatchObject({
      code: 'duplicate-id',
      message: expect.stringContaining('"film" is still active'),
    });
    await registration.abort();
    await untilIdle(world);
  });

  test('without an active worker fetch() rejects with a TypeError that says to wait for it', async () => {
    const manager = startWorker();
    (world.self.registration as {active: unknown}).active = null;
    await expect(manager.fetch('film', FILM)).rejects.toMatchObject({
      name: 'TypeError',
      code: 'no-active-worker',
      message: expect.stringContaining('navigator.serviceWorker.ready'),
    });
    expect(server.seen).toEqual([]);
    expect(await manager.getIds()).toEqual([]);
    await untilIdle(world);
  });
});

describe('the notification of a fallback job', () => {
  test('a click on it fires backgroundfetchclick on self with the registration, and closes it', async () => {
    const manager = startWorker();
    const success = listen('success', async () => undefined);
    const click = listen('click', async (event) => ({
      id: event.registration.id,
      result: event.registration.result,
    }));
    await manager.fetch('poster', POSTER, {title: 'Poster'});
    await success.handled;
    await untilIdle(world);
    const shown = world.notifications.at(-1)!;
    expect(shown.options.body).toBe('Download complete');
    const event = Object.assign(new FakeExtendableEvent('notificationclick'), {
      notification: {
        tag: shown.options.tag,
        data: shown.options.data,
        close: () => {
          shown.closed = true;
        },
      },
    });
    await dispatchAndWait(world, event);
    expect(await click.handled).toEqual({id: 'poster', result: 'success'});
    expect(click.events).toHaveLength(1);
    expect(click.events[0]).toBeInstanceOf(globalClass('BackgroundFetchEvent'));
    expect(shown.closed).toBe(true);
  });
});

describe('what pages reach through the page protocol', () => {
  test('the hidden queue: _info, _fetchWithFallback, get, _withRecords, _setPaused, _discardAll', async () => {
    const manager = startWorker({fault: () => ({stall: true})});
    const jobs = registry.findQueue(POLYFILL_QUEUE)!;
    // Hidden: not among the queues a page lists.
    expect(registry.listedQueues()).not.toContain(jobs);
    expect(jobs._info()).toEqual({name: POLYFILL_QUEUE, forceFallback: true});
    const started = await jobs._fetchWithFallback('film', [new Request(FILM)], {});
    await expect(jobs._fetchWithFallback('film', [new Request(POSTER)], {})).rejects.toMatchObject({
      name: 'TypeError',
      code: 'duplicate-id',
    });
    expect(await jobs.get('film')).toBe(started);
    expect(await jobs._withRecords?.('film')).toBe(started);
    // The worker's manager sees the job a page started.
    expect(await manager.getIds()).toEqual(['film']);
    expect(await jobs._setPaused('film', true)).toBe(true);
    expect(started.snapshot()).toMatchObject({paused: true});
    expect(await jobs._setPaused('film', false)).toBe(true);
    expect(await jobs._setPaused('nope', true)).toBe(false);
    await jobs._discardAll();
    expect(await manager.getIds()).toEqual([]);
    expect(await jobs._withRecords?.('film')).toBeUndefined();
    await expectNothingStored(world);
    await untilIdle(world);
  });
});

describe('a Chromium engine', () => {
  /** The browser's manager: `fetch()` answers with `start`; the jobs it started are active. */
  function nativeManager(
    start: () => Promise<BackgroundFetchRegistration>,
  ): BackgroundFetchManager & {started: string[]} {
    const started: string[] = [];
    const active = new Map<string, BackgroundFetchRegistration>();
    return {
      started,
      async fetch(id) {
        started.push(id);
        const registration = await start();
        active.set(id, registration);
        return registration;
      },
      async get(id) {
        return active.get(id);
      },
      async getIds() {
        return [...active.keys()];
      },
    };
  }

  test('native refused in the worker and no page to start it: the job runs on the fallback, its event fires on self', async () => {
    const native = nativeManager(async () => {
      throw new DOMException('Not allowed in service workers.', 'NotAllowedError');
    });
    const manager = startWorker({native});
    const success = listen('success', (event) => readRecords(event.registration));
    const registration = await manager.fetch('poster', POSTER);
    expect(native.started).toEqual(['poster']);
    const records = await success.handled;
    expectBytes(records[0].bytes, FILES[POSTER]);
    expect(success.events[0].registration).toBe(registration);
    await untilIdle(world);
    expect(success.events).toHaveLength(1);
  });

  test("a job native starts is the browser's registration, unchanged; get() and getIds() list native and fallback jobs", async () => {
    const browsers = Object.assign(new EventTarget(), {id: 'native-job'}) as never;
    let refuse = false;
    const native = nativeManager(async () => {
      if (refuse) {
        throw new DOMException('Not allowed.', 'NotAllowedError');
      }
      return browsers;
    });
    const manager = startWorker({native, fault: () => ({stall: true})});
    expect(await manager.fetch('native-job', FILM)).toBe(browsers);
    expect(server.seen).toEqual([]);
    refuse = true;
    const fallback = await manager.fetch('film', FILM);
    expect(await manager.getIds()).toEqual(['native-job', 'film']);
    expect(await manager.get('native-job')).toBe(browsers);
    expect(await manager.get('film')).toBe(fallback);
    await expect(manager.fetch('native-job', POSTER)).rejects.toMatchObject({code: 'duplicate-id'});
    await fallback.abort();
    await untilIdle(world);
  });

  test('any other native error is the caller’s: no fallback job starts', async () => {
    const native = nativeManager(async () => {
      throw new TypeError('bad request');
    });
    const manager = startWorker({native});
    await expect(manager.fetch('film', FILM)).rejects.toThrow('bad request');
    expect(server.seen).toEqual([]);
    expect(await manager.getIds()).toEqual([]);
    await untilIdle(world);
  });
});
