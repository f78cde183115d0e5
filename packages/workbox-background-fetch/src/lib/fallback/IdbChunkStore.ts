import {logger} from '../logger.js';
import {get, promisifyRequest, set} from 'idb-keyval';
import {boundedChunkDelete, boundedChunkRead} from './boundedChunkRead.js';
import {explainWriteFailure, isQuotaError} from './quota.js';
import {retryingStore} from './retryingStore.js';
import type {ChunkPart, ChunkStore} from './ChunkStore.js';

/** The database of chunks kept in IndexedDB. @private */
export const CHUNKS_DB = 'workbox-background-fetch-chunks';

/**
 * Chunks in IndexedDB: kept across worker and browser restarts on every
 * engine. The choice for Firefox (0.64× of plain fetch→cache.put, memory
 * capped) and WebKit (which drops Cache Storage entries across worker
 * restarts).
 *
 * Chunks are stored as Blobs (disk-backed, never copied into JavaScript
 * memory). Where the browser refuses Blobs in IndexedDB (WebKit's ephemeral
 * sessions, as under automation, reject every Blob put with a null error),
 * they are stored as ArrayBuffers instead, for the rest of the worker's
 * life (`keepsBytes`): held in memory while assembled, but it works, and
 * bodies then come as bytes, with no Blob made and read back
 * (npm run bench -- --quick --size=256 --rounds=3|4, WebKitGTK loopback:
 * 0.76-0.77× A against 0.56×, a third less CPU; the memory rise as noisy
 * as before, +527…+1431 MiB against +706…+1711, A +772…+918; on Firefox,
 * where Blobs are taken, ArrayBuffers were slower: 0.30×).
 *
 * Writes keep the default durability: `durability: 'relaxed'` changed
 * nothing on Firefox (npm run bench -- --quick --size=256 --rounds=3,
 * loopback: 3.13-4.03 s against 3.00-4.24 s).
 *
 * @private
 */
export class IdbChunkStore implements ChunkStore {
  readonly copiesInBrowser = false;
  private readonly _store = retryingStore(CHUNKS_DB, 'chunks');
  keepsBytes = false;

  async put(key: string, part: ChunkPart): Promise<void> {
    if (!this.keepsBytes && part instanceof Blob) {
      try {
        await set(key, part, this._store);
        return;
      } catch (failure) {
        const error = await explainWriteFailure(failure, part.size);
        if (isQuotaError(error)) {
          throw error;
        }
        this.keepsBytes = true;
        if (process.env.NODE_ENV !== 'production') {
          logger.warn(
            `This browser refused a Blob in IndexedDB (${String(error)}); ` +
              `background fetch chunks are stored as ArrayBuffers instead.`,
          );
        }
      }
    }
    const bytes = part instanceof Blob ? await part.arrayBuffer() : part;
    try {
      await set(key, bytes, this._store);
    } catch (error) {
      // Every engine accepts ArrayBuffers here: a write of one that fails
      // without a name is a full origin, even where the estimate shows room.
      throw await explainWriteFailure(error, bytes.byteLength, {unnamedIsQuota: true});
    }
  }

  async get(key: string): Promise<Blob | undefined> {
    const value = await boundedChunkRead(get<Blob | ArrayBuffer>(key, this._store));
    return value === undefined || value instanceof Blob ? value : new Blob([value]);
  }

  async present(keys: readonly string[]): Promise<boolean[]> {
    const counts = await boundedChunkRead(
      this._store('readonly', (store) =>
        Promise.all(keys.map((key) => promisifyRequest(store.count(key)))),
      ),
    );
    return counts.map((count) => count > 0);
  }

  deletePrefix(prefix: string): Promise<void> {
    return boundedChunkDelete(
      this._store('readwrite', (store) => {
        store.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
        return promisifyRequest(store.transaction);
      }),
    );
  }
}
