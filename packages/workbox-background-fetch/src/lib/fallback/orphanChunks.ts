import {CHUNKS_CACHE, CHUNK_URL_BASE} from './CacheChunkStore.js';
import {chunkKey, chunkKeyUid} from './ChunkStore.js';
import {CHUNKS_DB} from './IdbChunkStore.js';
import {loadJobs} from './jobStore.js';
import type {StoredJob} from './StoredJob.js';

const CHUNKS_STORE = 'chunks';

/**
 * Opens `name` if it exists; never creates it. Asks `indexedDB.databases()`
 * first: WebKit keeps an empty database behind an aborted creation, which
 * then never gets its object store.
 */
async function openExisting(name: string): Promise<IDBDatabase | null> {
  if (typeof indexedDB.databases === 'function') {
    const databases = await indexedDB.databases();
    if (!databases.some((database) => database.name === name)) {
      return null;
    }
  }
  return new Promise((resolve) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => resolve(null);
    request.onsuccess = () => resolve(request.result);
  });
}

/**
 * Runs `use` in one transaction on the IndexedDB chunk store, if it exists
 * (never creates it); resolves with its request's result once committed.
 */
async function onIdbChunks<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest<T> | undefined,
): Promise<T | undefined> {
  const db = await openExisting(CHUNKS_DB);
  if (!db) {
    return undefined;
  }
  try {
    if (!db.objectStoreNames.contains(CHUNKS_STORE)) {
      return undefined;
    }
    return await new Promise<T | undefined>((resolve, reject) => {
      const transaction = db.transaction(CHUNKS_STORE, mode);
      const request = use(transaction.objectStore(CHUNKS_STORE));
      transaction.oncomplete = () => resolve(request?.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** The chunks cache if it exists (never creates it). */
async function chunksCache(): Promise<Cache | undefined> {
  return (await caches.has(CHUNKS_CACHE)) ? caches.open(CHUNKS_CACHE) : undefined;
}

/** Every stored chunk key, in IndexedDB and in Cache Storage. */
async function listChunkKeys(): Promise<string[]> {
  const [inIdb, cache] = await Promise.all([
    onIdbChunks('readonly', (store) => store.getAllKeys()),
    chunksCache(),
  ]);
  const inCache = cache
    ? (await cache.keys()).map((request) => request.url.slice(CHUNK_URL_BASE.length))
    : [];
  return [...(inIdb ?? []).map(String), ...inCache];
}

/**
 * Deletes the chunks `keys` from both stores (a key not in one is a no-op
 * there). Runs once per worker start, and only when orphans were found:
 * remembering each key's store cost 60 B of bundle for no measurable gain.
 */
async function deleteChunks(keys: string[]): Promise<void> {
  if (keys.length === 0) {
    return;
  }
  const cache = await chunksCache();
  await Promise.all([
    onIdbChunks('readwrite', (store) => {
      for (const key of keys) {
        store.delete(key);
      }
      return undefined;
    }),
    cache && Promise.all(keys.map((key) => cache.delete(CHUNK_URL_BASE + key))),
  ]);
}

/** Every chunk key that `records` list. */
function ownedChunkKeys(records: StoredJob[]): Set<string> {
  const owned = new Set<string>();
  for (const record of records) {
    record.files.forEach((file, index) => {
      for (const chunk of file.chunks) {
        owned.add(chunkKey(record.uid, index, file.generation, chunk.start));
      }
    });
  }
  return owned;
}

/**
 * The chunk keys among `keys` that no job owns. The jobs in `own` are idle
 * (no worker writes their chunks now): only the chunks their records list
 * are theirs. The jobs in `foreign` may be running in another worker
 * (another scope of the origin, or a worker being replaced), which stores
 * a chunk before its record lists it: every chunk of their uid is theirs.
 *
 * @private
 */
export function unownedChunks(keys: string[], own: StoredJob[], foreign: StoredJob[]): string[] {
  const listed = ownedChunkKeys(own);
  const running = new Set(foreign.map((record) => record.uid));
  return keys.filter((key) => !listed.has(key) && !running.has(chunkKeyUid(key)));
}

/**
 * Deletes every stored chunk, in IndexedDB and in Cache Storage, that no
 * job owns (see `unownedChunks`); creates neither store. The jobs are read
 * again after the chunks were listed, so the chunks of a job that another
 * worker created meanwhile stay too (a job's record is stored before its
 * first chunk). Resolves with the number of chunks deleted.
 *
 * @private
 */
export async function deleteOrphanChunks(own: StoredJob[], foreign: StoredJob[]): Promise<number> {
  let orphans = unownedChunks(await listChunkKeys(), own, foreign);
  if (orphans.length > 0) {
    const known = new Set([...own, ...foreign].map((record) => record.uid));
    const created = (await loadJobs()).filter((record) => !known.has(record.uid));
    orphans = unownedChunks(orphans, [], created);
  }
  await deleteChunks(orphans);
  return orphans.length;
}
