import {CHUNKS_CACHE, CHUNK_URL_BASE} from './CacheChunkStore.js';
import {CHUNKS_DB} from './IdbChunkStore.js';

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

async function sweepIndexedDB(owned: Set<string>): Promise<number> {
  const db = await openExisting(CHUNKS_DB);
  if (!db) {
    return 0;
  }
  try {
    if (!db.objectStoreNames.contains(CHUNKS_STORE)) {
      return 0;
    }
    return await new Promise<number>((resolve, reject) => {
      const transaction = db.transaction(CHUNKS_STORE, 'readwrite');
      const store = transaction.objectStore(CHUNKS_STORE);
      let removed = 0;
      const keys = store.getAllKeys();
      keys.onsuccess = () => {
        for (const key of keys.result) {
          if (!owned.has(String(key))) {
            store.delete(key);
            removed += 1;
          }
        }
      };
      transaction.oncomplete = () => resolve(removed);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

async function sweepCacheStorage(owned: Set<string>): Promise<number> {
  if (!(await caches.has(CHUNKS_CACHE))) {
    return 0;
  }
  const cache = await caches.open(CHUNKS_CACHE);
  const orphans = (await cache.keys()).filter(
    (request) => !owned.has(request.url.slice(CHUNK_URL_BASE.length)),
  );
  await Promise.all(orphans.map((request) => cache.delete(request)));
  return orphans.length;
}

/**
 * Deletes every stored chunk, in IndexedDB and in Cache Storage, whose key
 * is not in `owned`; creates neither store. Resolves with the number of
 * chunks deleted.
 *
 * @private
 */
export async function deleteChunksExcept(owned: Set<string>): Promise<number> {
  const [fromIdb, fromCache] = await Promise.all([sweepIndexedDB(owned), sweepCacheStorage(owned)]);
  return fromIdb + fromCache;
}
