/*
  Which stored chunks a worker may delete as orphans, at its start (the
  sweep) and when its registration goes (the purge), with the jobs of
  another scope of the origin running meanwhile: a running job stores a
  chunk before its record lists it, and may be created after the sweep read
  the records. Real IndexedDB (fake-indexeddb), Cache Storage in memory.
*/
import {createStore, set} from 'idb-keyval';
import {JOBS_DB} from '../../../src/lib/fallback/jobStore';
import {bytes} from './simulateDownload';
import {fakeFetch} from '../support/fakeFetch';
import {startFallbackWorker} from '../support/fallbackWorker';
import {
  chunkStoreNames,
  firstChunkStored,
  storedChunkKeys,
  storedJobs,
} from '../support/storedState';
import {
  WORKER_ORIGIN,
  WORKER_SCOPE,
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import type {ChunkStorageKind} from '../../../src/lib/fallback/ChunkStore';
import type {FallbackBackendOptions} from '../../../src/lib/fallback/FallbackBackend';
import type {StoredJob} from '../../../src/lib/fallback/StoredJob';
import type {WorkerWorld} from '../support/workerGlobals';

const KiB = 1024;
const FILM = `${WORKER_ORIGIN}/media/film.mp4`;
const FILES = {[FILM]: bytes(2 * 1024 * KiB, 3)};
const OTHER_SCOPE = `${WORKER_ORIGIN}/other/`;
const OPTIONS: FallbackBackendOptions = {
  chunkSize: 512 * KiB,
  maxInFlight: 1,
  maxAttempts: 3,
  backoff: {initialDelay: 1, maxDelay: 5},
  notifications: false,
};

afterEach(removeWorkerGlobals);

/** The module under test (it needs the worker globals to load). */
function load() {
  return loadWorkerModule(
    () =>
      require('../../../src/lib/fallback/orphanChunks') as typeof import('../../../src/lib/fallback/orphanChunks'),
  );
}

/** A stored job record with the chunks `chunks` (first bytes) of its one file. */
function job(uid: string, chunks: number[], generation = 0): StoredJob {
  return {
    uid,
    files: [{generation, chunks: chunks.map((start) => ({start, end: start + 1}))}],
  } as unknown as StoredJob;
}

describe('unownedChunks', () => {
  beforeEach(() => installWorkerGlobals());

  test('an idle job keeps the chunks its record lists; its unlisted and old-generation ones are orphans', () => {
    const keys = ['a/0/1/0', 'a/0/1/512', 'a/0/0/0', 'gone/0/0/0'];
    expect(load().unownedChunks(keys, [job('a', [0], 1)], [])).toEqual([
      'a/0/1/512',
      'a/0/0/0',
      'gone/0/0/0',
    ]);
  });

  test('a job that may be running elsewhere keeps every chunk of its uid, listed or not', () => {
    const keys = ['b/0/0/0', 'b/0/0/512', 'b/1/2/0', 'bb/0/0/0'];
    expect(load().unownedChunks(keys, [], [job('b', [0])])).toEqual(['bb/0/0/0']);
  });
});

/** Stores a chunk the way chunk store `kind` does, outside any job. */
async function storeChunk(world: WorkerWorld, kind: ChunkStorageKind, key: string) {
  const {CHUNKS_CACHE, CHUNK_URL_BASE, CHUNKS_DB} = chunkStoreNames();
  if (kind === 'cache-storage') {
    const cache = await world.caches.open(CHUNKS_CACHE);
    await cache.put(CHUNK_URL_BASE + key, new Response(new Blob(['a chunk'])));
  } else {
    await set(key, new Blob(['a chunk']), createStore(CHUNKS_DB, 'chunks'));
  }
}

/**
 * A job of a worker of another scope of the origin: it stored and recorded
 * its first chunk, and one more that its record does not list yet (as a
 * running job has between the two writes). Returns that job's record and
 * the unlisted key.
 */
async function otherScopeDownloading(kind: ChunkStorageKind) {
  const server = fakeFetch(FILES, {fault: (_, index) => (index === 1 ? {stall: true} : undefined)});
  const world = installWorkerGlobals(server.fetch);
  const registration = world.self.registration as {scope: string};
  registration.scope = OTHER_SCOPE;
  const other = startFallbackWorker({...OPTIONS, chunkStorage: kind});
  await other.backend.fetch('film', [new Request(FILM)], {});
  await server.arrived(1);
  await firstChunkStored(world);
  await other.backend.pause('film'); // Its worker may resume it any time.
  const [record] = await storedJobs(world);
  const unlisted = `${record.uid}/0/0/${512 * KiB}`;
  await storeChunk(world, kind, unlisted);
  registration.scope = WORKER_SCOPE;
  return {world, record, unlisted};
}

describe.each(['indexeddb', 'cache-storage'] as const)('chunks in %s', (kind) => {
  test('a worker start keeps every chunk of a job of another scope, the one it has not recorded yet too; a chunk of no job goes', async () => {
    const {world, record, unlisted} = await otherScopeDownloading(kind);
    await storeChunk(world, kind, 'no-such-job/0/0/0');
    const chunks = (await storedChunkKeys(world)).filter((key) => key.startsWith(record.uid));
    expect(chunks).toContain(unlisted);
    expect(chunks.length).toBe(record.files[0].chunks.length + 1);

    const worker = startFallbackWorker({...OPTIONS, chunkStorage: kind});
    expect(await worker.backend.getIds()).toEqual([]); // After the sweep.
    expect((await storedChunkKeys(world)).sort()).toEqual([...chunks].sort());
    expect(await storedJobs(world)).toEqual([record]);
  });

  test('unregistering a worker deletes its jobs and their chunks; a job of another scope keeps all of its chunks', async () => {
    const {world, record, unlisted} = await otherScopeDownloading(kind);
    const worker = startFallbackWorker({...OPTIONS, chunkStorage: kind});
    await worker.backend.fetch('mine', [new Request(`${FILM}?mine`)], {});
    await worker.backend.pause('mine');
    const mine = (await storedJobs(world)).find((each) => each.id === 'mine')!;
    expect(mine.scope).toBe(WORKER_SCOPE);

    const serviceWorker = world.self.serviceWorker as EventTarget & {state: string};
    serviceWorker.state = 'redundant';
    serviceWorker.dispatchEvent(new Event('statechange'));
    for (let poll = 0; (await storedJobs(world)).length > 1; poll++) {
      if (poll === 500) {
        throw new Error('The unregistered worker never deleted its job.');
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await storedJobs(world)).toEqual([record]);
    const left = await storedChunkKeys(world);
    expect(left).toContain(unlisted);
    expect(left.every((key) => key.startsWith(`${record.uid}/`))).toBe(true);
  });
});

test('a job another scope creates while a worker start sweeps keeps its chunks', async () => {
  const {world, record} = await otherScopeDownloading('cache-storage');
  await storeChunk(world, 'cache-storage', 'no-such-job/0/0/0');
  const created = {...record, uid: 'created-meanwhile', id: 'trailer', scope: OTHER_SCOPE};
  const newChunk = `${created.uid}/0/0/0`;
  // The sweep lists the chunks after it read the job records: the other
  // scope's worker creates its job and stores a first chunk in between.
  const cache = await world.caches.open(chunkStoreNames().CHUNKS_CACHE);
  const listChunks = cache.keys.bind(cache);
  let listed = 0;
  cache.keys = async (...args) => {
    if (args.length === 0 && listed++ === 0) {
      await set(created.uid, created, createStore(JOBS_DB, 'jobs'));
      await storeChunk(world, 'cache-storage', newChunk);
    }
    return listChunks(...args);
  };

  const worker = startFallbackWorker({...OPTIONS, chunkStorage: 'cache-storage'});
  expect(await worker.backend.getIds()).toEqual([]); // After the sweep.
  expect(listed).toBeGreaterThan(0);
  const left = await storedChunkKeys(world);
  expect(left).toContain(newChunk);
  expect(left).not.toContain('no-such-job/0/0/0');
});
