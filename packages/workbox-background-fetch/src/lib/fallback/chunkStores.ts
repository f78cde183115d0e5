import {CacheChunkStore} from './CacheChunkStore.js';
import {IdbChunkStore} from './IdbChunkStore.js';
import type {ChunkStore, ChunkStorageKind} from './ChunkStore.js';

/** `FallbackBackendOptions.chunkStorage`: a place, or `'auto'` (by engine). */
export type ChunkStorageOption = 'auto' | ChunkStorageKind;

const stores = new Map<ChunkStorageKind, ChunkStore>();

/**
 * Where chunks go for `option`. `'auto'` picks by what was measured per
 * engine: Cache Storage in Chromium (fastest there), IndexedDB elsewhere
 * (faster in Firefox; WebKit loses Cache Storage entries across worker
 * restarts). Chromium is told apart by `navigator.userAgentData`, which
 * only Chromium exposes to workers.
 *
 * @private
 */
export function resolveChunkStorage(option: ChunkStorageOption): ChunkStorageKind {
  if (option !== 'auto') {
    return option;
  }
  return 'userAgentData' in navigator ? 'cache-storage' : 'indexeddb';
}

/**
 * The one chunk store of `kind` in this worker.
 * @private
 */
export function chunkStore(kind: ChunkStorageKind): ChunkStore {
  let store = stores.get(kind);
  if (!store) {
    store = kind === 'cache-storage' ? new CacheChunkStore() : new IdbChunkStore();
    stores.set(kind, store);
  }
  return store;
}
