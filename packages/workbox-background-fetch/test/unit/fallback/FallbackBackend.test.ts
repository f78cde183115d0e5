/*
  The fallback driver (FallbackJob) and backend end to end in Node: real
  IndexedDB (fake-indexeddb), Cache Storage in memory, a fake `fetch` with
  Range support and faults. What a user sees: the bytes a job assembles,
  pause/resume/abort, one settlement, and nothing left in the stores.
*/
import {IDBObjectStore} from 'fake-indexeddb';
import {holdStore, openDatabase} from '../support/holdIndexedDb';
import {FakeCache} from '../support/fakeCaches';
import {createStore, del, set} from 'idb-keyval';
import {CHANNEL_NAME} from '../../../src/protocol';
import {JOBS_DB, STORAGE_WAIT_MS} from '../../../src/lib/fallback/jobStore';
import {bytes} from './simulateDownload';
import {listenOn} from '../support/fakeBroadcastChannel';
import {fakeFetch} from '../support/fakeFetch';
import {startFallbackWorker} from '../support/fallbackWorker';
import type {Settled} from '../support/fallbackWorker';
import {expectBytes} from '../support/expectBytes';
import {
  chunkStoreNames,
  expectNothingStored,
  firstChunkStored,
  storedChunkKeys,
  storedJobs,
} from '../support/storedState';
import {
  FakeExtendableEvent,
  WORKER_ORIGIN,
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import type {RegistrationSnapshot} from '../../../src/protocol';
import type {SnapshotRegistration} from '../../../src/lib/SnapshotRegistration';
import type * as FallbackBackendModule from '../../../src/lib/fallback/FallbackBackend';
import type {FallbackBackendOptions} from '../../../src/lib/fallback/FallbackBackend';
import type {FakeAnswer} from './simulateDownload';
import type {SeenFetch} from '../support/fakeFetch';

const KiB = 1024;
const BIG = `${WORKER_ORIGIN}/media/film.mp4`;
const SMALL = `${WORKER_ORIGIN}/media/poster.jpg`;
const FILES = {[BIG]: bytes(2 * 1024 * KiB + 123, 3), [SMALL]: bytes(10 * KiB, 5)};

/** Small chunks, quick retries, no notifications: several Range requests per file. */
const OPTIONS: FallbackBackendOptions = {
  chunkSize: 512 * KiB,
  maxInFlight: 2,
  maxAttempts: 3,
  backoff: {initialDelay: 1, maxDelay: 5},
  notifications: false,
  chunkStorage: 'indexeddb',
};

/** Starts a worker whose fetch serves FILES, with `fault` answering first. */
function setUp(
  fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined,
  options: FallbackBackendOptions = OPTIONS,
) {
  const server = fakeFetch(FILES, {fault});
  const world = installWorkerGlobals(server.fetch);
  const worker = startFallbackWorker(options);
  return {server, world, worker};
}

/** The backend's module, loaded as the worker would (after `setUp()`): its bounds. */
function backendModule(): typeof FallbackBackendModule {
  return loadWorkerModule(
    () => require('../../../src/lib/fallback/FallbackBackend') as typeof FallbackBackendModule,
  );
}

/**
 * The job database never opens: as on WebKitGTK behind a transaction that
 * a terminated worker left open (`jest.restoreAllMocks()` ends it).
 */
function jobsDbNeverOpens(): void {
  const open = indexedDB.open.bind(indexedDB);
  jest
    .spyOn(indexedDB, 'open')
    .mockImplementation((name, version) =>
      name === JOBS_DB ? ({} as IDBOpenDBRequest) : open(name, version),
    );
}

/**
 * Development logs on and kept from the console (`jest.restoreAllMocks()`
 * ends it); what was warned and logged as errors so far.
 */
function catchDevLogs(): {warned(): string; errored(): string} {
  Object.assign(self, {__WB_DISABLE_DEV_LOGS: false});
  const spies = Object.fromEntries(
    (['debug', 'log', 'warn', 'error'] as const).map((level) => [
      level,
      jest.spyOn(console, level).mockImplementation(() => undefined),
    ]),
  );
  const text = (level: string) => (): string =>
    spies[level].mock.calls.flat().map(String).join(' ');
  return {warned: text('warn'), errored: text('error')};
}

/**
 * Runs `worker`'s job `id` on jest's fake clock, 1 s at a time (`tick`
 * called before each), until it settles or `limit` ms passed; its
 * settlement, if any.
 */
async function settleOnFakeClock(
  worker: ReturnType<typeof startFallbackWorker>,
  id: string,
  limit: number,
  tick: (waited: number) => void = () => undefined,
): Promise<Settled | undefined> {
  let settled: Settled | undefined;
  void worker.settlementOf(id).then((entry) => {
    settled = entry;
  });
  for (let waited = 0; !settled && waited < limit; waited += 1000) {
    tick(waited);
    await jest.advanceTimersByTimeAsync(1000);
  }
  return settled;
}

/** The first byte a request asks for (0 without Range). */
function rangeStart(seen: SeenFetch): number {
  return Number(/^bytes=(\d+)-/.exec(seen.headers.Range ?? '')?.[1] ?? 0);
}

afterEach(removeWorkerGlobals);

describe('a fallback job from fetch() to its purge', () => {
  test.each(['indexeddb', 'cache-storage'] as const)(
    'chunks in %s: the records are the source bytes, one success, pages saw the progress, nothing is left',
    async (chunkStorage) => {
      const {server, world, worker} = setUp(undefined, {...OPTIONS, chunkStorage});
      const page = listenOn(CHANNEL_NAME);
      const registration = await worker.backend.fetch(
        'film',
        [new Request(BIG), new Request(SMALL)],
        {title: 'Film'},
      );
      expect(registration.backend).toBe('fallback');
      expect(await worker.backend.getIds()).toEqual(['film']);
      const settled = await worker.settlementOf('film');
      expect(settled).toMatchObject({type: 'success', result: 'success', failureReason: ''});
      expect(settled.records.map(({url, status}) => [url, status])).toEqual([
        [BIG, 200],
        [SMALL, 200],
      ]);
      expectBytes(settled.records[0].bytes, FILES[BIG]);
      expectBytes(settled.records[1].bytes, FILES[SMALL]);
      // The big file came in several requests, the later ones Range requests.
      const forBig = server.seen.filter(({url}) => url === BIG);
      expect(forBig.length).toBeGreaterThan(2);
      expect(forBig.slice(1).every(({headers}) => headers.Range !== undefined)).toBe(true);
      await worker.untilIdle();
      expect(worker.settled).toHaveLength(1);
      expect(registration.downloaded).toBe(FILES[BIG].length + FILES[SMALL].length);
      expect(registration.recordsAvailable).toBe(false);
      expect(await worker.backend.get('film')).toBeUndefined();
      expect(await worker.backend.getIds()).toEqual([]);
      await expectNothingStored(world);
      const progress = page.messages as Array<{type: string; snapshot: RegistrationSnapshot}>;
      expect(progress.length).toBeGreaterThan(0);
      expect(
        progress.every(({type, snapshot}) => type === 'WBF_PROGRESS' && snapshot.id === 'film'),
      ).toBe(true);
      const seenDownloaded = progress.map(({snapshot}) => snapshot.downloaded);
      expect(seenDownloaded).toEqual([...seenDownloaded].sort((a, b) => a - b));
      expect(seenDownloaded.at(-1)).toBe(FILES[BIG].length + FILES[SMALL].length);
    },
  );

  test('a cut body, a 503 and a network error are retried: the bytes still equal the source', async () => {
    const faults: Record<number, FakeAnswer> = {
      1: {status: 503},
      2: {network: true},
    };
    const {world, worker} = setUp(
      (_, index) => {
        if (index === 0) {
          // The first answer breaks after 100 KiB.
          const headers = {'accept-ranges': 'bytes', etag: '"v1"'};
          return {status: 200, headers, body: FILES[BIG], cutAfter: 100 * KiB};
        }
        return faults[index];
      },
      // Three failures in a row, one attempt to spare.
      {...OPTIONS, maxAttempts: 4},
    );
    await worker.backend.fetch('film', [new Request(BIG)], {});
    const settled = await worker.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    await worker.untilIdle();
    expect(worker.settled).toHaveLength(1);
    await expectNothingStored(world);
  });

  test('a request that receives nothing is cut after stallTimeout and retried', async () => {
    const {server, worker} = setUp((_, index) => (index === 0 ? {stall: true} : undefined), {
      ...OPTIONS,
      stallTimeout: 50,
    });
    await worker.backend.fetch('poster', [new Request(SMALL)], {});
    const settled = await worker.settlementOf('poster');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[SMALL]);
    expect(server.seen.length).toBeGreaterThanOrEqual(2);
    await worker.untilIdle();
  });

  test('a file that answers 500 to every attempt fails with bad-status; its record is that response', async () => {
    const {server, world, worker} = setUp((seen) =>
      seen.url === SMALL
        ? {
            status: 500,
            headers: {'content-type': 'text/plain'},
            body: new TextEncoder().encode('down'),
          }
        : undefined,
    );
    await worker.backend.fetch('pair', [new Request(BIG), new Request(SMALL)], {});
    const settled = await worker.settlementOf('pair');
    expect(settled).toMatchObject({type: 'fail', result: 'failure', failureReason: 'bad-status'});
    expect(server.seen.filter(({url}) => url === SMALL)).toHaveLength(OPTIONS.maxAttempts!);
    expect(settled.records[1].status).toBe(500);
    expect(new TextDecoder().decode(settled.records[1].bytes)).toBe('down');
    await worker.untilIdle();
    expect(worker.settled).toHaveLength(1);
    await expectNothingStored(world);
  });

  test('a network that never answers fails the job with fetch-error after maxAttempts', async () => {
    const {server, world, worker} = setUp(() => ({network: true}));
    await worker.backend.fetch('poster', [new Request(SMALL)], {});
    const settled = await worker.settlementOf('poster');
    expect(settled).toMatchObject({type: 'fail', failureReason: 'fetch-error'});
    expect(settled.records[0].error).toBeInstanceOf(TypeError);
    expect(server.seen).toHaveLength(OPTIONS.maxAttempts!);
    await worker.untilIdle();
    await expectNothingStored(world);
  });

  test('more bytes than downloadTotal: the job fails with download-total-exceeded', async () => {
    const {world, worker} = setUp();
    await worker.backend.fetch('poster', [new Request(SMALL)], {downloadTotal: 4 * KiB});
    const settled = await worker.settlementOf('poster');
    expect(settled).toMatchObject({type: 'fail', failureReason: 'download-total-exceeded'});
    await worker.untilIdle();
    await expectNothingStored(world);
  });

  test('a downloadTotal that does not fit the storage left rejects fetch() with QuotaExceededError', async () => {
    const {world, worker} = setUp();
    world.estimate = {quota: 100 * KiB, usage: 90 * KiB};
    await expect(
      worker.backend.fetch('poster', [new Request(SMALL)], {downloadTotal: 20 * KiB}),
    ).rejects.toMatchObject({name: 'QuotaExceededError'});
    expect(await worker.backend.getIds()).toEqual([]);
    await expectNothingStored(world);
  });

  test('a browser whose count of the storage is impossible (Firefox after a kill: usage near 2^64) and refuses every write: fetch() rejects with QuotaExceededError (storage-miscounted) saying to restart the browser; nothing is left', async () => {
    const {world, worker} = setUp();
    world.estimate = {quota: 10 * 2 ** 30, usage: 18446744073622557000};
    jest.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const refused = worker.backend.fetch('poster', [new Request(SMALL)], {downloadTotal: 20 * KiB});
    await expect(refused).rejects.toMatchObject({
      name: 'QuotaExceededError',
      code: 'storage-miscounted',
      message: expect.stringContaining('its count is right again once the browser restarts'),
    });
    jest.restoreAllMocks();
    expect(await worker.backend.getIds()).toEqual([]);
    await expectNothingStored(world);
  });

  test('a full origin while chunks are written fails the job with quota-exceeded and frees its chunks', async () => {
    const {world, worker} = setUp(undefined, {...OPTIONS, chunkStorage: 'cache-storage'});
    world.caches.failPuts = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    await worker.backend.fetch('film', [new Request(BIG)], {});
    const settled = await worker.settlementOf('film');
    expect(settled).toMatchObject({type: 'fail', failureReason: 'quota-exceeded'});
    await worker.untilIdle();
    await expectNothingStored(world);
  });

  test('a full origin, and a chunk store that deletes nothing: the fail event (quota-exceeded) still runs, once, after 20 s, and the next worker start deletes what the job left', async () => {
    const options = {...OPTIONS, maxInFlight: 1, chunkStorage: 'cache-storage' as const};
    const {world, worker} = setUp(undefined, options);
    // The first part is stored; then the origin is full, and the chunk
    // cache never lists its keys (every deletion of chunks waits on them).
    const put = FakeCache.prototype.put;
    let puts = 0;
    jest.spyOn(FakeCache.prototype, 'put').mockImplementation(async function (
      this: FakeCache,
      request,
      response,
    ) {
      if (++puts === 1) {
        return put.call(this, request, response);
      }
      jest.spyOn(FakeCache.prototype, 'keys').mockReturnValue(new Promise(() => undefined));
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    expect(await worker.backend.getIds()).toEqual([]);
    const logs = catchDevLogs();
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    let settled: Settled | undefined;
    try {
      await worker.backend.fetch('film', [new Request(BIG)], {});
      settled = await settleOnFakeClock(worker, 'film', 5 * STORAGE_WAIT_MS);
      // The purge after the event gives up as well.
      await jest.advanceTimersByTimeAsync(2 * STORAGE_WAIT_MS);
    } finally {
      jest.useRealTimers();
    }
    const warned = logs.warned();
    jest.restoreAllMocks();
    expect(settled).toMatchObject({
      type: 'fail',
      result: 'failure',
      failureReason: 'quota-exceeded',
    });
    expect(warned).toContain(
      'The stored parts of a download were not deleted within 20 s: the chunk store ' +
        '(IndexedDB or Cache Storage) did not answer.',
    );
    expect(await storedChunkKeys(world)).toHaveLength(1);
    expect(await storedJobs(world)).toHaveLength(1);
    const restarted = startFallbackWorker(options);
    expect(await restarted.backend.getIds()).toEqual([]);
    await restarted.untilIdle();
    expect(worker.settled).toHaveLength(1);
    expect(restarted.settled).toEqual([]);
    await expectNothingStored(world);
  });
});

describe('controls of a running job', () => {
  /**
   * One request at a time, and the second never answers: once it arrived,
   * the job is mid-download; `firstChunkStored` waits for its first chunk.
   */
  const stallSecond = (_: SeenFetch, index: number): FakeAnswer | undefined =>
    index === 1 ? {stall: true} : undefined;
  const ONE_AT_A_TIME = {...OPTIONS, maxInFlight: 1};

  test('pause() stops the requests and keeps the bytes; resume() goes on from them', async () => {
    const {server, world, worker} = setUp(stallSecond, ONE_AT_A_TIME);
    const registration = await worker.backend.fetch('film', [new Request(BIG)], {});
    await server.arrived(1);
    await firstChunkStored(world);
    expect(await worker.backend.pause('film')).toBe(true);
    expect(registration.snapshot().paused).toBe(true);
    expect(await worker.backend.pause('film')).toBe(false);
    expect(await worker.backend.getIds()).toEqual(['film']);
    const [record] = await storedJobs(world);
    expect(record.state).toBe('paused');
    const stored = record.files[0].chunks;
    expect(stored.length).toBeGreaterThan(0);
    const storedEnd = Math.max(...stored.map(({end}) => end));
    const before = server.seen.length;
    expect(await worker.backend.resume('film')).toBe(true);
    expect(await worker.backend.resume('film')).toBe(false);
    const settled = await worker.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    // Nothing stored before the pause was asked for again.
    const after = server.seen.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((seen) => rangeStart(seen) >= storedEnd || rangeStart(seen) > 0)).toBe(true);
    await worker.untilIdle();
    expect(worker.settled).toHaveLength(1);
    await expectNothingStored(world);
  });

  test('abort() ends the job with one abort settlement; its records reject with AbortError', async () => {
    const {server, world, worker} = setUp(stallSecond, ONE_AT_A_TIME);
    const registration = await worker.backend.fetch('film', [new Request(BIG)], {});
    await server.arrived(1);
    await firstChunkStored(world);
    expect(await registration.abort()).toBe(true);
    expect(await registration.abort()).toBe(false);
    const settled = await worker.settlementOf('film');
    expect(settled).toMatchObject({type: 'abort', result: 'failure', failureReason: 'aborted'});
    expect(settled.records[0].error?.name).toBe('AbortError');
    await worker.untilIdle();
    expect(worker.settled).toHaveLength(1);
    expect(await worker.backend.getIds()).toEqual([]);
    await expectNothingStored(world);
  });

  test('discardAll() (the worker was unregistered) deletes chunks and record without a settlement', async () => {
    const {server, world, worker} = setUp(stallSecond, ONE_AT_A_TIME);
    await worker.backend.fetch('film', [new Request(BIG)], {});
    await server.arrived(1);
    await firstChunkStored(world);
    expect((await storedChunkKeys(world)).length).toBeGreaterThan(0);
    await worker.backend.discardAll();
    await expectNothingStored(world);
    await worker.untilIdle();
    expect(worker.settled).toEqual([]);
    expect(await worker.backend.getIds()).toEqual([]);
  });

  test('offline: a network error waits for the network, then the job goes on', async () => {
    let world!: ReturnType<typeof installWorkerGlobals>;
    const setup = setUp((_, index) => {
      if (index === 1) {
        world.online = false;
        return {network: true};
      }
      return undefined;
    });
    world = setup.world;
    const askedToWake = new Promise<string>((resolve) => {
      const registration = world.self.registration as {
        sync: {register(tag: string): Promise<void>};
      };
      registration.sync.register = async (tag) => resolve(tag);
    });
    await setup.worker.backend.fetch('film', [new Request(BIG)], {});
    // The job asks Background Sync to wake the worker once online.
    expect(await askedToWake).toBe('workbox-background-fetch');
    const requestsWhileOffline = setup.server.seen.length;
    world.online = true;
    world.self.dispatchEvent(new Event('online'));
    const settled = await setup.worker.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    expect(setup.server.seen.length).toBeGreaterThan(requestsWhileOffline);
    await setup.worker.untilIdle();
  });
});

describe('a new worker (restart) finds the stored jobs', () => {
  test('an IndexedDB that never answers holds the activate event for ACTIVATE_WAIT_MS at most, with a warning that says so', async () => {
    setUp();
    const {ACTIVATE_WAIT_MS} = backendModule();
    jobsDbNeverOpens();
    // Development logs on, as in an app's development build.
    const logs = catchDevLogs();
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    try {
      const worker = startFallbackWorker(OPTIONS);
      const activate = new FakeExtendableEvent('activate');
      worker.backend.keepAlive(activate);
      let activated = false;
      void Promise.all(activate.extensions).then(() => {
        activated = true;
      });
      await jest.advanceTimersByTimeAsync(ACTIVATE_WAIT_MS - 1);
      expect(activated).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(activated).toBe(true);
      const warned = logs.warned();
      expect(warned).toContain('did not load within 10 s (IndexedDB did not answer)');
      expect(warned).toContain('restart the browser');
    } finally {
      jest.useRealTimers();
      jest.restoreAllMocks();
    }
  });

  test('an IndexedDB that never answers: calls reject after STORAGE_WAIT_MS with a TimeoutError that names IndexedDB', async () => {
    setUp();

    jobsDbNeverOpens();
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    try {
      const {backend} = startFallbackWorker(OPTIONS);
      const outcomes: Array<PromiseSettledResult<unknown>> = [];
      const calls = [
        backend.getIds(),
        backend.get('film'),
        backend.pause('film'),
        backend.fetch('film', [new Request(BIG)], {}),
      ];
      void Promise.allSettled(calls).then((settled) => outcomes.push(...settled));
      await jest.advanceTimersByTimeAsync(STORAGE_WAIT_MS - 1);
      expect(outcomes).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(outcomes).toHaveLength(calls.length);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({
          status: 'rejected',
          reason: {name: 'TimeoutError', code: 'storage-timeout'},
        });
        const {message} = (outcome as PromiseRejectedResult).reason as Error;
        expect(message).toContain('(IndexedDB) did not answer within 20 s');
        expect(message).toContain('restarting the browser');
      }
    } finally {
      jest.useRealTimers();
      jest.restoreAllMocks();
    }
  });

  test('a new job whose record IndexedDB stores only after STORAGE_WAIT_MS: fetch() rejects, and the late record is deleted behind it', async () => {
    setUp();

    const {backend} = startFallbackWorker(OPTIONS);
    expect(await backend.getIds()).toEqual([]); // The stored jobs are loaded.
    // Another connection holds a write transaction on the jobs open: the
    // job's record waits behind it.
    const db = await openDatabase(JOBS_DB);
    const release = holdStore(db, 'jobs');
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    let rejection: unknown;
    try {
      const fetched = backend.fetch('film', [new Request(BIG)], {}).catch((error) => {
        rejection = error;
      });
      await jest.advanceTimersByTimeAsync(STORAGE_WAIT_MS);
      await fetched;
    } finally {
      jest.useRealTimers();
    }
    expect(rejection).toMatchObject({name: 'TimeoutError', code: 'storage-timeout'});
    release();
    // A write transaction made now runs after the record's and its delete.
    const after = await new Promise<unknown[]>((resolve, reject) => {
      const all = db.transaction('jobs', 'readwrite').objectStore('jobs').getAll();
      all.onsuccess = () => resolve(all.result);
      all.onerror = () => reject(all.error);
    });
    db.close();
    expect(after).toEqual([]);
    expect(await backend.getIds()).toEqual([]);
  });

  test('IndexedDB stops answering while a job downloads: each state save gives up after STORAGE_WAIT_MS, and the job still ends with the source bytes, one settlement, nothing left', async () => {
    let release: (() => void) | undefined;
    // Held from the job's first request on: the save of its start and of
    // the file's response head (which its first read waits for) wait.
    const {world, worker} = setUp((_, index) => {
      if (index === 0) {
        release = holdStore(db, 'jobs');
      }
      return undefined;
    });
    expect(await worker.backend.getIds()).toEqual([]); // The stored jobs are loaded.
    const db = await openDatabase(JOBS_DB);
    const logs = catchDevLogs();
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    let settled: Settled | undefined;
    try {
      await worker.backend.fetch('film', [new Request(BIG)], {});
      settled = await settleOnFakeClock(worker, 'film', 10 * STORAGE_WAIT_MS);
    } finally {
      jest.useRealTimers();
      release?.();
    }
    expect(release).toBeDefined();
    expect(settled).toMatchObject({type: 'success', result: 'success', failureReason: ''});
    expectBytes(settled!.records[0].bytes, FILES[BIG]);
    const logged = logs.errored();
    expect(logged).toContain("Could not store the state of 'film'");
    expect(logged).toContain('(IndexedDB) did not answer within 20 s');
    jest.restoreAllMocks();
    await worker.untilIdle();
    db.close();
    expect(worker.settled).toHaveLength(1);
    expect(await worker.backend.getIds()).toEqual([]);
    await expectNothingStored(world);
  });

  test.each([
    ['ends', 'success', 'success', ''],
    ['never ends', 'fail', 'failure', 'fetch-error'],
  ] as const)(
    'the chunk store stops answering while a job downloads and the hold %s: each chunk write gives up after its bound, the job retries and settles once (%s: %s %s)',
    async (hold, type, result, failureReason) => {
      const {world, worker} = setUp();
      expect(await worker.backend.getIds()).toEqual([]);
      const {CHUNKS_DB} = chunkStoreNames();
      // A connection of the test's own to the chunk database (made here as
      // the chunk store makes it), whose write transaction every chunk
      // write then waits behind.
      const made = createStore(CHUNKS_DB, 'chunks');
      await set('made', 1, made);
      await del('made', made);
      const chunksDb = await openDatabase(CHUNKS_DB);
      const release = holdStore(chunksDb, 'chunks');
      const logs = catchDevLogs();
      jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
      let settled: Settled | undefined;
      try {
        await worker.backend.fetch('film', [new Request(BIG)], {});
        settled = await settleOnFakeClock(worker, 'film', 60 * STORAGE_WAIT_MS, (waited) => {
          // Past the first writes' bound (20.25 s for 256 KiB parts),
          // before their retries': these are stored.
          if (hold === 'ends' && waited === 1.5 * STORAGE_WAIT_MS) {
            release();
          }
        });
      } finally {
        jest.useRealTimers();
        release();
      }
      const warned = logs.warned();
      jest.restoreAllMocks();
      expect(warned).toContain(
        `A part of "${BIG}" (262144 bytes) was not stored within 20.25 s: the chunk store ` +
          `(IndexedDB or Cache Storage) did not answer.`,
      );
      expect(settled).toMatchObject({type, result, failureReason});
      if (result === 'success') {
        expectBytes(settled!.records[0].bytes, FILES[BIG]);
      }
      await worker.untilIdle();
      chunksDb.close();
      expect(worker.settled).toHaveLength(1);
      expect(await worker.backend.getIds()).toEqual([]);
      await expectNothingStored(world);
    },
  );

  /** Job 'film' (one request at a time, the second stalls) paused once its first chunk is stored. */
  const pausedAfterFirstChunk = async () => {
    const set = setUp((_, index) => (index === 1 ? {stall: true} : undefined), {
      ...OPTIONS,
      maxInFlight: 1,
    });
    await set.worker.backend.fetch('film', [new Request(BIG)], {});
    await set.server.arrived(1);
    await firstChunkStored(set.world);
    await set.worker.backend.pause('film');
    return set;
  };

  test('a paused job whose databases the app deleted (indexedDB.deleteDatabase(), not blocked) is saved again: the next worker lists it, fetches again the chunks that went, and succeeds', async () => {
    const {server, world, worker} = await pausedAfterFirstChunk();
    const outcomes = await Promise.all(
      (await indexedDB.databases()).map(
        ({name}) =>
          new Promise<string>((resolve) => {
            const request = indexedDB.deleteDatabase(name as string);
            request.onblocked = () => resolve(`${name}: blocked`);
            request.onsuccess = () => resolve(`${name}: deleted`);
          }),
      ),
    );
    expect(outcomes).toContain(`${JOBS_DB}: deleted`);
    expect(outcomes.every((outcome) => outcome.endsWith(': deleted'))).toBe(true);
    // The record is written again once the delete went through.
    for (let turn = 0; turn < 100 && (await storedJobs(world)).length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect((await storedJobs(world)).map((job) => job.state)).toEqual(['paused']);
    const before = server.seen.length;

    const restarted = startFallbackWorker(OPTIONS);
    expect(await restarted.backend.getIds()).toEqual(['film']);
    expect(await restarted.backend.resume('film')).toBe(true);
    const settled = await restarted.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    // The first chunk went with the chunk database: it was asked again.
    expect(server.seen.slice(before).some((seen) => rangeStart(seen) === 0)).toBe(true);
    await restarted.untilIdle();
    expect(worker.settled).toEqual([]);
    await expectNothingStored(world);
  });

  test('a job paused before the restart is listed, resumes from its stored chunks and succeeds', async () => {
    const {server, world, worker} = await pausedAfterFirstChunk();
    const [record] = await storedJobs(world);
    const storedEnd = Math.max(...record.files[0].chunks.map(({end}) => end));
    const before = server.seen.length;

    const restarted = startFallbackWorker(OPTIONS);
    expect(await restarted.backend.getIds()).toEqual(['film']);
    const registration = await restarted.backend.get('film');
    expect(registration?.snapshot()).toMatchObject({paused: true, downloaded: storedEnd});
    expect(await restarted.backend.resume('film')).toBe(true);
    const settled = await restarted.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    expect(server.seen.slice(before).every((seen) => rangeStart(seen) >= storedEnd)).toBe(true);
    await restarted.untilIdle();
    expect(restarted.settled).toHaveLength(1);
    expect(worker.settled).toEqual([]);
    await expectNothingStored(world);
  });
});

describe('a worker killed mid-download', () => {
  /**
   * The first worker stalls on its second request (one at a time): its
   * record says running, with the first chunk listed. Then it "dies": a
   * new worker loads the same stores. The dead one's job is discarded after
   * each test, passed or failed (its stalled request and its stall timer
   * would outlive the test, and fire in the next suite of this process).
   * `after` discards it before the test's own last checks.
   */
  let discardDead: (() => Promise<void>) | null = null;
  /** The workers started after the "kill": discarded too, so a test that fails leaves no timer behind. */
  let restartedWorkers: Array<ReturnType<typeof startFallbackWorker>> = [];
  afterEach(async () => {
    await discardDead?.();
    discardDead = null;
    await Promise.all(restartedWorkers.map((restarted) => restarted.backend.discardAll()));
    restartedWorkers = [];
  });

  function restart() {
    const restarted = startFallbackWorker(OPTIONS);
    restartedWorkers.push(restarted);
    return restarted;
  }

  async function killMidDownload() {
    const {server, world, worker} = setUp((_, index) => (index === 1 ? {stall: true} : undefined), {
      ...OPTIONS,
      maxInFlight: 1,
    });
    await worker.backend.fetch('film', [new Request(BIG)], {});
    await server.arrived(1);
    await firstChunkStored(world);
    const [record] = await storedJobs(world);
    expect(record.state).toBe('running');
    const storedEnd = Math.max(...record.files[0].chunks.map(({end}) => end));
    discardDead = () => worker.backend.discardAll();
    return {
      server,
      world,
      worker,
      storedEnd,
      before: server.seen.length,
      after: () => worker.backend.discardAll(),
    };
  }

  test('handOver() (a new version activates): the old worker cancels its requests and goes idle without a settlement; the new one resumes from the stored chunks', async () => {
    const {server, world, worker, storedEnd, before} = await killMidDownload();
    worker.backend.handOver();
    await worker.untilIdle();
    expect(await worker.backend.getIds()).toEqual([]);
    const restarted = restart();
    expect(await restarted.backend.getIds()).toEqual(['film']);
    const settled = await restarted.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    expect(server.seen.slice(before).every((seen) => rangeStart(seen) >= storedEnd)).toBe(true);
    await restarted.untilIdle();
    expect(worker.settled).toHaveLength(0);
    await expectNothingStored(world);
  });

  test("a new worker's activate event waits for the stored jobs to resume, not for them to end (its pages' requests wait while it activates)", async () => {
    const {world, after} = await killMidDownload();
    const restarted = restart();
    const order: string[] = [];
    const activate = new FakeExtendableEvent('activate');
    restarted.backend.keepAlive(activate);
    const activated = Promise.all(activate.extensions).then(() => {
      order.push('activated');
    });
    const settled = restarted.settlementOf('film').then((settlement) => {
      order.push(`settled ${settlement.type}`);
    });
    await Promise.all([activated, settled]);
    expect(order).toEqual(['activated', 'settled success']);
    await restarted.untilIdle();
    await after();
    await expectNothingStored(world);
  });

  /**
   * `restarted` lists the job, resumes it from the chunks stored before
   * `killed` (no byte before them is asked again) and succeeds with the
   * source bytes; then nothing of it is left.
   */
  async function expectResumedWhole(
    killed: Awaited<ReturnType<typeof killMidDownload>>,
    restarted: ReturnType<typeof restart>,
  ): Promise<void> {
    const {server, world, storedEnd, before, after} = killed;
    expect(await restarted.backend.getIds()).toEqual(['film']);
    const settled = await restarted.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    expect(server.seen.slice(before).every((seen) => rangeStart(seen) >= storedEnd)).toBe(true);
    await restarted.untilIdle();
    await after();
    await expectNothingStored(world);
  }

  test("the next worker's first event resumes it from the chunks it stored", async () => {
    const killed = await killMidDownload();
    await expectResumedWhole(killed, restart());
  });

  test('a browser whose count of the storage the kill broke (Firefox: usage near 2^64, every write refused) keeps the job: no event, record and chunks as stored, uncounted retries; after its next start the job resumes from its chunks and succeeds', async () => {
    const killed = await killMidDownload();
    const {server, world, before} = killed;
    const [record] = await storedJobs(world);
    const chunks = await storedChunkKeys(world);
    // As Firefox ESR 153 read after a kill during a large write (npm run bench).
    world.estimate = {quota: 10 * 2 ** 30, usage: 18446744073622557000};
    world.caches.failPuts = new DOMException('', 'NS_ERROR_FILE_NO_DEVICE_SPACE');
    const refuse = jest.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const logs = catchDevLogs();
    const relaunched = restart();
    expect(await relaunched.backend.getIds()).toEqual(['film']);
    // The resumed request, then more than maxAttempts (3) retries.
    await server.arrived(before + 5);
    const warned = logs.warned();
    relaunched.backend.handOver();
    await relaunched.untilIdle();
    jest.restoreAllMocks();
    expect(refuse).toHaveBeenCalled();
    expect(relaunched.settled).toEqual([]);
    expect(await storedJobs(world)).toEqual([record]);
    expect(await storedChunkKeys(world)).toEqual(chunks);
    expect(warned).toContain(
      'the browser refuses every write of this origin, as its count of the storage used is impossible',
    );
    // The browser starts again: its count is right.
    world.estimate = null;
    world.caches.failPuts = null;
    await expectResumedWhole(killed, restart());
  });

  test('chunks the browser dropped meanwhile (WebKit) are downloaded again', async () => {
    const {server, world, before, after} = await killMidDownload();
    const chunks = await storedChunkKeys(world);
    expect(chunks.length).toBeGreaterThan(0);
    await del(chunks[0], createStore('workbox-background-fetch-chunks', 'chunks'));
    const restarted = restart();
    // An event wakes the new worker (here: a page asking for the ids).
    expect(await restarted.backend.getIds()).toEqual(['film']);
    const settled = await restarted.settlementOf('film');
    expect(settled.type).toBe('success');
    expectBytes(settled.records[0].bytes, FILES[BIG]);
    expect(server.seen.slice(before).some((seen) => rangeStart(seen) === 0)).toBe(true);
    await restarted.untilIdle();
    await after();
    await expectNothingStored(world);
  });
});

describe('records and the settlement', () => {
  test('matchAll() while downloading: each responseReady resolves once its file is complete, with its bytes', async () => {
    const {worker} = setUp();
    const registration = await worker.backend.fetch(
      'pair',
      [new Request(BIG), new Request(SMALL)],
      {},
    );
    const records = await registration.matchAll();
    expect(records.map(({request}) => request.url)).toEqual([BIG, SMALL]);
    const [big, small] = await Promise.all(records.map(({responseReady}) => responseReady));
    expectBytes(new Uint8Array(await big.arrayBuffer()), FILES[BIG]);
    expectBytes(new Uint8Array(await small.arrayBuffer()), FILES[SMALL]);
    expect((await registration.matchAll(SMALL)).map(({request}) => request.url)).toEqual([SMALL]);
    await worker.settlementOf('pair');
    await worker.untilIdle();
  });

  test('updateUI() works once while the handler runs; records stay readable until waitUntil() settles, then not', async () => {
    const server = fakeFetch(FILES);
    const world = installWorkerGlobals(server.fetch);
    let release!: () => void;
    let handled!: () => void;
    const handlerRan = new Promise<void>((resolve) => (handled = resolve));
    const outcomes: string[] = [];
    let registration!: SnapshotRegistration;
    const worker = startFallbackWorker(
      {...OPTIONS, notifications: true},
      'films',
      async (settlement) => {
        registration = settlement.registration;
        await settlement.updateUI!({title: 'Poster ready'});
        outcomes.push('updated');
        await settlement.updateUI!({title: 'again'}).catch((error: Error) =>
          outcomes.push(error.name),
        );
        settlement.event.waitUntil(new Promise<void>((resolve) => (release = resolve)));
        handled();
      },
    );
    await worker.backend.fetch('poster', [new Request(SMALL)], {title: 'Poster'});
    await handlerRan;
    expect(outcomes).toEqual(['updated', 'InvalidStateError']);
    expect(world.notifications.at(-1)).toMatchObject({
      title: 'Poster ready',
      options: {body: 'Download complete'},
    });
    // The handler's waitUntil() holds the records.
    const [record] = await registration.matchAll();
    expectBytes(new Uint8Array(await (await record.responseReady).arrayBuffer()), FILES[SMALL]);
    release();
    await worker.untilIdle();
    expect(registration.recordsAvailable).toBe(false);
    await expect(registration.matchAll()).rejects.toMatchObject({name: 'InvalidStateError'});
    await expectNothingStored(world);
  });
});

describe('the sweep at a worker start', () => {
  /** A job of queue `queue` paused mid-download by a worker that then went away. */
  async function leaveJobOf(queue: string) {
    const server = fakeFetch(FILES, {
      fault: (_, index) => (index === 1 ? {stall: true} : undefined),
    });
    const world = installWorkerGlobals(server.fetch);
    const old = startFallbackWorker({...OPTIONS, maxInFlight: 1}, queue);
    await old.backend.fetch('film', [new Request(BIG)], {});
    await server.arrived(1);
    await firstChunkStored(world);
    await old.backend.pause('film');
    return world;
  }

  test('the job of a queue the new worker no longer has is deleted with its chunks once orphanGrace passed', async () => {
    const world = await leaveJobOf('old-queue');
    expect((await storedChunkKeys(world)).length).toBeGreaterThan(0);
    const restarted = startFallbackWorker({...OPTIONS, orphanGrace: 0}, 'films');
    expect(await restarted.backend.getIds()).toEqual([]);
    await expectNothingStored(world);
    expect(restarted.settled).toEqual([]);
  });

  test('within orphanGrace it is kept (a later version may bring the queue back), marked orphaned', async () => {
    const world = await leaveJobOf('old-queue');
    const chunks = await storedChunkKeys(world);
    const restarted = startFallbackWorker({...OPTIONS, orphanGrace: 60_000}, 'films');
    expect(await restarted.backend.getIds()).toEqual([]);
    const [record] = await storedJobs(world);
    expect(record).toMatchObject({queue: 'old-queue', state: 'paused'});
    expect(record.orphanedSince).toEqual(expect.any(Number));
    expect(await storedChunkKeys(world)).toEqual(chunks);
  });
});
