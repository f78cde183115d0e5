import {get, set} from 'idb-keyval';
import {promisifyRequest} from 'idb-keyval';
import {retryingStore} from './retryingStore.js';
import type {ChunkStore} from './ChunkStore.js';

/** The database of chunks kept as Blobs in IndexedDB. */
export const CHUNKS_DB = 'workbox-background-fetch-chunks';

/**
 * Chunks as Blobs in IndexedDB: disk-backed, kept across worker and
 * browser restarts on every engine. The choice for Firefox (0.64× of plain
 * fetch→cache.put, memory capped) and WebKit (which drops Cache Storage
 * entries across worker restarts).
 *
 * @private
 */
export class IdbChunkStore implements ChunkStore {
  readonly kind = 'indexeddb';
  private readonly _store = retryingStore(CHUNKS_DB, 'chunks');

  put(key: string, blob: Blob): Promise<void> {
    return set(key, blob, this._store);
  }

  get(key: string): Promise<Blob | undefined> {
    return get<Blob>(key, this._store);
  }

  async has(key: string): Promise<boolean> {
    const count = await this._store('readonly', (store) =>
      promisifyRequest(store.count(key)),
    );
    return count > 0;
  }

  deletePrefix(prefix: string): Promise<void> {
    return this._store('readwrite', (store) => {
      store.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
      return promisifyRequest(store.transaction);
    });
  }
}
