/*
  What the fallback left in the fake worker's stores: job records and chunk
  keys, read the way a test checks "nothing is left behind".
*/
import {createStore, keys, values} from 'idb-keyval';
import {JOBS_DB} from '../../../src/lib/fallback/jobStore';
import {loadWorkerModule} from './workerGlobals';
import type {StoredJob} from '../../../src/lib/fallback/StoredJob';
import type {WorkerWorld} from './workerGlobals';

/**
 * Where the chunk stores keep chunks, from their modules (loaded once the
 * worker globals are installed: they need them).
 */
export function chunkStoreNames(): {
  CHUNKS_DB: string;
  CHUNKS_CACHE: string;
  CHUNK_URL_BASE: string;
} {
  return loadWorkerModule(() => ({
    ...(require('../../../src/lib/fallback/IdbChunkStore') as typeof import('../../../src/lib/fallback/IdbChunkStore')),
    ...(require('../../../src/lib/fallback/CacheChunkStore') as typeof import('../../../src/lib/fallback/CacheChunkStore')),
  }));
}

async function exists(world: WorkerWorld, name: string): Promise<boolean> {
  return (await world.indexedDB.databases()).some((database) => database.name === name);
}

/** Every fallback job record stored. */
export async function storedJobs(world: WorkerWorld): Promise<StoredJob[]> {
  if (!(await exists(world, JOBS_DB))) {
    return [];
  }
  return values<StoredJob>(createStore(JOBS_DB, 'jobs'));
}

/** Every chunk key stored, in IndexedDB and in Cache Storage. */
export async function storedChunkKeys(world: WorkerWorld): Promise<string[]> {
  const {CHUNKS_DB, CHUNKS_CACHE, CHUNK_URL_BASE} = chunkStoreNames();
  const inIdb = (await exists(world, CHUNKS_DB))
    ? (await keys(createStore(CHUNKS_DB, 'chunks'))).map(String)
    : [];
  const inCache = world.caches.urls(CHUNKS_CACHE).map((url) => url.slice(CHUNK_URL_BASE.length));
  return [...inIdb, ...inCache];
}

/**
 * Resolves once a job record lists a stored chunk of its first file (the
 * next request may start while a chunk is still being written); throws
 * after 500 polls.
 */
export async function firstChunkStored(world: WorkerWorld): Promise<void> {
  for (let poll = 0; poll < 500; poll++) {
    const [record] = await storedJobs(world);
    if (record && record.files[0].chunks.length > 0) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('No chunk of the first file was stored: the job never wrote one.');
}

/** Nothing of any fallback job is left: no job record, no chunk. */
export async function expectNothingStored(world: WorkerWorld): Promise<void> {
  expect(await storedJobs(world)).toEqual([]);
  expect(await storedChunkKeys(world)).toEqual([]);
}
