/*
  What the fallback left in the fake worker's stores: job records and chunk
  keys, read the way a test checks "nothing is left behind".
*/
import {createStore, keys, values} from 'idb-keyval';
import type {StoredJob} from '../../../src/lib/fallback/StoredJob';
import type {WorkerWorld} from './workerGlobals';

const CHUNKS_CACHE = 'workbox-background-fetch-chunks';

async function exists(world: WorkerWorld, name: string): Promise<boolean> {
  return (await world.indexedDB.databases()).some((database) => database.name === name);
}

/** Every fallback job record stored. */
export async function storedJobs(world: WorkerWorld): Promise<StoredJob[]> {
  if (!(await exists(world, 'workbox-background-fetch'))) {
    return [];
  }
  return values<StoredJob>(createStore('workbox-background-fetch', 'jobs'));
}

/** Every chunk key stored, in IndexedDB and in Cache Storage. */
export async function storedChunkKeys(world: WorkerWorld): Promise<string[]> {
  const inIdb = (await exists(world, 'workbox-background-fetch-chunks'))
    ? (await keys(createStore('workbox-background-fetch-chunks', 'chunks'))).map(String)
    : [];
  const inCache = world.caches
    .urls(CHUNKS_CACHE)
    .map((url) => url.slice('https://workbox-background-fetch.invalid/'.length));
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
