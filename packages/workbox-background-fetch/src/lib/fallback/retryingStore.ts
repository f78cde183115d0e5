import {createStore} from 'idb-keyval';
import type {UseStore} from 'idb-keyval';

/**
 * An idb-keyval store that reopens its database once when the browser
 * closed the connection under it (Safari after sleep: "InvalidStateError:
 * database connection is closing"). Every write still resolves only when
 * its transaction completed.
 *
 * @param dbName A database used by this store only (idb-keyval keeps one
 *     object store per database).
 * @param storeName The object store.
 *
 * @private
 */
export function retryingStore(dbName: string, storeName: string): UseStore {
  let store = createStore(dbName, storeName);
  return async <T>(
    mode: IDBTransactionMode,
    callback: (objectStore: IDBObjectStore) => T | PromiseLike<T>,
  ): Promise<T> => {
    try {
      return await store(mode, callback);
    } catch (error) {
      if ((error as DOMException | null)?.name !== 'InvalidStateError') {
        throw error;
      }
      store = createStore(dbName, storeName);
      return store(mode, callback);
    }
  };
}
