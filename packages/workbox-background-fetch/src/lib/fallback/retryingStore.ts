import {createStore} from 'idb-keyval';
import type {UseStore} from 'idb-keyval';

/**
 * An idb-keyval store that reopens its database once when the connection
 * was closed under it: by the browser (Safari after sleep: "InvalidStateError:
 * database connection is closing"), or by this store when another
 * connection asks to delete or upgrade the database (its `versionchange`
 * event). An app's `indexedDB.deleteDatabase()` in a clean-up then goes
 * ahead at once instead of waiting, blocked, until the worker stops; the
 * next use opens a new database (a fallback job saves its state again, and
 * the check before its success fetches again chunks that went with it).
 * Every write still resolves only when its transaction completed.
 *
 * @param dbName A database used by this store only (idb-keyval keeps one
 *     object store per database).
 * @param storeName The object store.
 * @param onDeleted Called when another connection asks to delete the
 *     database, once this one is closed: a use of the store from then on
 *     waits for the delete, then creates the database anew.
 *
 * @private
 */
export function retryingStore(dbName: string, storeName: string, onDeleted?: () => void): UseStore {
  let store = createStore(dbName, storeName);
  return async <T>(
    mode: IDBTransactionMode,
    callback: (objectStore: IDBObjectStore) => T | PromiseLike<T>,
  ): Promise<T> => {
    const use = (objectStore: IDBObjectStore): T | PromiseLike<T> => {
      const {db} = objectStore.transaction;
      // Once per connection, not per transaction (every chunk write is one).
      db.onversionchange ??= (event) => {
        // Transactions already started still complete after close().
        db.close();
        if (event.newVersion === null) {
          onDeleted?.();
        }
      };
      return callback(objectStore);
    };
    try {
      return await store(mode, use);
    } catch (error) {
      if ((error as DOMException | null)?.name !== 'InvalidStateError') {
        throw error;
      }
      store = createStore(dbName, storeName);
      return store(mode, use);
    }
  };
}
