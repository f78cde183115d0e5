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
