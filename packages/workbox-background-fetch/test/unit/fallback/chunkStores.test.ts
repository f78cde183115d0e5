/*
  The chunk stores (IndexedDB and Cache Storage) and the store that reopens
  a closed IndexedDB connection, on fake-indexeddb and Cache Storage in
  memory, with the browsers' failures injected at the IndexedDB and Cache
  edges: Blobs refused, writes past the quota, a connection closed under
  the store.
*/
import {IDBDatabase, IDBObjectStore} from 'fake-indexeddb';
import {createStore, get, set} from 'idb-keyval';
import {
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import {FakeCache} from '../support/fakeCaches';
import {holdStore, openDatabase} from '../support/holdIndexedDb';
import type {ChunkStorageKind} from '../../../src/lib/fallback/ChunkStore';
import type * as ChunkStoresModule from '../../../src/lib/fallback/chunkStores';
import type * as IdbChunkStoreModule from '../../../src/lib/fallback/IdbChunkStore';
import type * as RetryingStoreModule from '../../../src/lib/fallback/retryingStore';
import type {WorkerWorld} from '../support/workerGlobals';

let world: WorkerWorld;
let stores: typeof ChunkStoresModule;

beforeEach(() => {
  world = installWorkerGlobals();
  stores = loadWorkerModule(
    () => require('../../../src/lib/fallback/chunkStores') as typeof ChunkStoresModule,
  );
});
afterEach(() => {
  jest.restoreAllMocks();
  removeWorkerGlobals();
});

const blob = (...values: number[]): Blob => new Blob([new Uint8Array(values)]);
const bytesOf = async (value: Blob | undefined): Promise<number[] | undefined> =>
  value && [...new Uint8Array(await value.arrayBuffer())];

describe.each(['indexeddb', 'cache-storage'] as ChunkStorageKind[])(
  'the %s chunk store',
  (kind) => {
    test('keeps Blobs by key: get() returns the bytes put, present() tells which exist', async () => {
      const store = stores.chunkStore(kind);
      // Only Cache Storage chunks are copied into records by the browser.
      expect(store.copiesInBrowser).toBe(kind === 'cache-storage');
      // Where Blobs are taken, whole bodies stay Blobs.
      expect(store.keepsBytes).toBe(false);
      await store.put('job1/0/0/0', blob(1, 2, 3));
      await store.put('job1/0/0/3', blob(4, 5));
      expect(await bytesOf(await store.get('job1/0/0/0'))).toEqual([1, 2, 3]);
      expect(await bytesOf(await store.get('job1/0/0/3'))).toEqual([4, 5]);
      expect(await store.get('job1/0/0/9')).toBeUndefined();
      expect(await store.present(['job1/0/0/3', 'job1/0/0/9', 'job1/0/0/0'])).toEqual([
        true,
        false,
        true,
      ]);
      expect(await store.present([])).toEqual([]);
    });

    test('a put under an existing key replaces the chunk', async () => {
      const store = stores.chunkStore(kind);
      await store.put('job1/0/0/0', blob(1));
      await store.put('job1/0/0/0', blob(7, 7));
      expect(await bytesOf(await store.get('job1/0/0/0'))).toEqual([7, 7]);
    });

    test('deletePrefix() deletes the chunks of one job (or one file generation) and no other', async () => {
      const store = stores.chunkStore(kind);
      const keys = ['job1/0/0/0', 'job1/0/1/0', 'job1/1/0/0', 'job10/0/0/0', 'job2/0/0/0'];
      for (const key of keys) {
        await store.put(key, blob(1));
      }
      await store.deletePrefix('job1/0/0/');
      expect(await store.present(keys)).toEqual([false, true, true, true, true]);
      await store.deletePrefix('job1/');
      expect(await store.present(keys)).toEqual([false, false, false, true, true]);
    });

    test('a store that does not answer: get(), present() and deletePrefix() reject with a TimeoutError after 20 s that says what follows, instead of waiting for ever', async () => {
      const store = stores.chunkStore(kind);
      await store.put('job1/0/0/0', blob(1, 2, 3));
      let release = (): void => undefined;
      if (kind === 'indexeddb') {
        // Another connection's write transaction that does not end.
        const {CHUNKS_DB} = loadWorkerModule(
          () => require('../../../src/lib/fallback/IdbChunkStore') as typeof IdbChunkStoreModule,
        );
        release = holdStore(await openDatabase(CHUNKS_DB), 'chunks');
      } else {
        jest.spyOn(FakeCache.prototype, 'match').mockReturnValue(new Promise(() => undefined));
        jest.spyOn(FakeCache.prototype, 'keys').mockReturnValue(new Promise(() => undefined));
      }
      // fake-indexeddb schedules with setImmediate: only the clock is faked.
      jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
      try {
        const outcomes = [
          store.get('job1/0/0/0'),
          store.present(['job1/0/0/0']),
          store.deletePrefix('job1/'),
        ].map((call) =>
          (call as Promise<unknown>).then(
            () => 'answered',
            (error: Error & {code?: string}) => error,
          ),
        );
        await jest.advanceTimersByTimeAsync(19_900);
        let settled = 0;
        for (const outcome of outcomes) {
          void outcome.then(() => settled++);
        }
        await jest.advanceTimersByTimeAsync(0);
        expect(settled).toBe(0);
        await jest.advanceTimersByTimeAsync(200);
        expect(settled).toBe(3);
        const [get, present, deleted] = await Promise.all(outcomes);
        for (const error of [get, present]) {
          expect(error).toMatchObject({name: 'TimeoutError', code: 'chunk-read-timeout'});
          expect((error as Error).message).toMatch(
            /not read within 20 s: the chunk store \(IndexedDB or Cache Storage\) did not answer\. A resuming job fetches the part again/,
          );
        }
        expect(deleted).toMatchObject({name: 'TimeoutError', code: 'chunk-delete-timeout'});
        expect((deleted as Error).message).toMatch(
          /not deleted within 20 s: the chunk store \(IndexedDB or Cache Storage\) did not answer\. The job's events still run; a worker of this scope deletes the parts when it starts again\./,
        );
      } finally {
        release();
        jest.useRealTimers();
      }
      // The store answers again: reads and deletions work (the deletion
      // that gave up may still have run once the store answered).
      jest.restoreAllMocks();
      await store.put('job2/0/0/0', blob(4, 5, 6));
      expect(await bytesOf(await store.get('job2/0/0/0'))).toEqual([4, 5, 6]);
      await store.deletePrefix('job2/');
      expect(await store.present(['job2/0/0/0'])).toEqual([false]);
    });

    test('one store of each kind per worker', () => {
      expect(stores.chunkStore(kind)).toBe(stores.chunkStore(kind));
    });
  },
);

describe('resolveChunkStorage()', () => {
  test("an explicit place is kept; 'auto' is Cache Storage in Chromium (userAgentData), IndexedDB elsewhere", () => {
    expect(stores.resolveChunkStorage('indexeddb')).toBe('indexeddb');
    expect(stores.resolveChunkStorage('cache-storage')).toBe('cache-storage');
    expect(stores.resolveChunkStorage('auto')).toBe('indexeddb');
    Object.assign(navigator, {userAgentData: {brands: []}});
    expect(stores.resolveChunkStorage('auto')).toBe('cache-storage');
  });
});

describe('the IndexedDB chunk store when the browser refuses', () => {
  /** IndexedDB fails every put of a value `refuses` picks, with `error`. */
  function refusePuts(refuses: (value: unknown) => boolean, error: () => unknown): void {
    const put = IDBObjectStore.prototype.put;
    jest.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (refuses(value)) {
        throw error();
      }
      return put.call(this, value, key);
    });
  }

  const raw = (key: string) => get(key, createStore('workbox-background-fetch-chunks', 'chunks'));

  test('Blobs (WebKit under automation): chunks are stored as ArrayBuffers and still read back as Blobs', async () => {
    refusePuts(
      (value) => value instanceof Blob,
      () => new DOMException('Blobs are not supported.', 'DataCloneError'),
    );
    const store = stores.chunkStore('indexeddb');
    expect(store.keepsBytes).toBe(false);
    await store.put('job1/0/0/0', blob(1, 2, 3));
    // From the first refusal on, the job hands the store bytes as read.
    expect(store.keepsBytes).toBe(true);
    await store.put('job1/0/0/3', blob(4));
    await store.put('job1/0/0/4', Uint8Array.of(5, 6).buffer);
    expect(await raw('job1/0/0/0')).toBeInstanceOf(ArrayBuffer);
    expect(await bytesOf(await store.get('job1/0/0/0'))).toEqual([1, 2, 3]);
    expect(await bytesOf(await store.get('job1/0/0/3'))).toEqual([4]);
    expect(await bytesOf(await store.get('job1/0/0/4'))).toEqual([5, 6]);
  });

  test('a Blob write that fails without a name while the estimate shows no room is a QuotaExceededError', async () => {
    world.estimate = {quota: 1000, usage: 999};
    // Only Blobs fail: a store that took this for a refused Blob would succeed with an ArrayBuffer.
    refusePuts(
      (value) => value instanceof Blob,
      () => new DOMException('', 'UnknownError'),
    );
    await expect(
      stores.chunkStore('indexeddb').put('job1/0/0/0', blob(1, 2)),
    ).rejects.toMatchObject({
      name: 'QuotaExceededError',
      message: expect.stringContaining("The origin's storage is full"),
    });
  });

  test('an ArrayBuffer write that fails without a name is a full origin, whatever the estimate says', async () => {
    refusePuts(
      () => true,
      () => new DOMException('', 'UnknownError'),
    );
    await expect(stores.chunkStore('indexeddb').put('job1/0/0/0', blob(1))).rejects.toMatchObject({
      name: 'QuotaExceededError',
    });
  });

  test('any other failure of an ArrayBuffer write is passed on as it is', async () => {
    refusePuts(
      () => true,
      () => new DOMException('Read only.', 'ReadOnlyError'),
    );
    await expect(stores.chunkStore('indexeddb').put('job1/0/0/0', blob(1))).rejects.toMatchObject({
      name: 'ReadOnlyError',
    });
  });
});

describe('the Cache Storage chunk store when the origin is full', () => {
  test("Firefox's NS_ERROR_FILE_NO_DEVICE_SPACE is reported as a QuotaExceededError", async () => {
    world.caches.failPuts = Object.assign(new Error('Cache write failed'), {
      name: 'NS_ERROR_FILE_NO_DEVICE_SPACE',
    });
    await expect(
      stores.chunkStore('cache-storage').put('job1/0/0/0', blob(1)),
    ).rejects.toMatchObject({name: 'QuotaExceededError'});
  });
});

describe('retryingStore()', () => {
  let retrying: typeof RetryingStoreModule;
  beforeEach(() => {
    retrying = loadWorkerModule(
      () => require('../../../src/lib/fallback/retryingStore') as typeof RetryingStoreModule,
    );
  });

  test('reopens the database once when the browser closed the connection under it (Safari after sleep)', async () => {
    const store = retrying.retryingStore('db', 'things');
    await set('a', 1, store);
    const open = jest.spyOn(indexedDB, 'open');
    jest.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    });
    await set('b', 2, store);
    expect(open).toHaveBeenCalledTimes(1);
    expect(await get('a', store)).toBe(1);
    expect(await get('b', store)).toBe(2);
  });

  test("an app's deleteDatabase() is not blocked by the store's connection; the next use opens a new database", async () => {
    const store = retrying.retryingStore('db', 'things');
    await set('a', 1, store);
    const outcome = await new Promise<string>((resolve) => {
      const request = indexedDB.deleteDatabase('db');
      request.onblocked = () => resolve('blocked');
      request.onsuccess = () => resolve('deleted');
    });
    expect(outcome).toBe('deleted');
    await set('b', 2, store);
    expect(await get('a', store)).toBeUndefined();
    expect(await get('b', store)).toBe(2);
  });

  test('other errors are not retried', async () => {
    const store = retrying.retryingStore('db', 'things');
    await set('a', 1, store);
    const transaction = jest.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(() => {
      throw new DOMException('No such store.', 'NotFoundError');
    });
    await expect(set('b', 2, store)).rejects.toMatchObject({name: 'NotFoundError'});
    expect(transaction).toHaveBeenCalledTimes(1);
  });
});
