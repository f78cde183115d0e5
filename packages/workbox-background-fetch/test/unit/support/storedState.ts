/*
  What the fallback left in the fake worker's stores: job records and chunk
  keys, read the way a test checks "nothing is left behind".
*/
import {promisifyRequest} from 'idb-keyval';
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

/**
 * Every value or key of object store `store` of database `name`, read
 * through a connection closed right after: a connection left open would
 * block an `indexedDB.deleteDatabase()` of the test.
 */
async function readAll<T>(
  world: WorkerWorld,
  name: string,
  store: string,
  what: 'getAll' | 'getAllKeys',
): Promise<T[]> {
  if (!(await exists(world, name))) {
    return [];
  }
  const db = await promisifyRequest(world.indexedDB.open(name));
  try {
    if (!db.objectStoreNames.contains(store)) {
      return [];
    }
    return (await promisifyRequest(db.transaction(store).objectStore(store)[what]())) as T[];
  } finally {
    db.close();
  }
}

/** Every fallback job record stored. */
export function storedJobs(world: WorkerWorld): Promise<StoredJob[]> {
  return readAll<StoredJob>(world, JOBS_DB, 'jobs', 'getAll');
}

/** Every chunk key stored, in IndexedDB and in Cache Storage. */
export async function storedChunkKeys(world: WorkerWorld): Promise<string[]> {
  const {CHUNKS_DB, CHUNKS_CACHE, CHUNK_URL_BASE} = chunkStoreNames();
  const inIdb = (await readAll<IDBValidKey>(world, CHUNKS_DB, 'chunks', 'getAllKeys')).map(String);
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
