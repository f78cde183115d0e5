import {boundedChunkDelete, boundedChunkRead} from './boundedChunkRead.js';
import {explainWriteFailure} from './quota.js';
import {partSize} from './ChunkStore.js';
import type {ChunkPart, ChunkStore} from './ChunkStore.js';

/** The Cache Storage cache of chunks. @private */
export const CHUNKS_CACHE = 'workbox-background-fetch-chunks';

/** Chunk keys become URLs under this base: never fetched, only cache keys. @private */
export const CHUNK_URL_BASE = 'https://workbox-background-fetch.invalid/';

/**
 * Chunks as Blob entries of a dedicated Cache Storage cache. The fastest
 * place in Chromium (0.69× of plain fetch→cache.put at 64 MiB chunks vs
 * 0.62× for IndexedDB, half the memory); WebKit was seen dropping such
 * entries across worker restarts, so it is not used there.
 *
 * @private
 */
export class CacheChunkStore implements ChunkStore {
  readonly copiesInBrowser = true;
  readonly keepsBytes = false;

  async put(key: string, part: ChunkPart): Promise<void> {
    const cache = await caches.open(CHUNKS_CACHE);
    try {
      await cache.put(CHUNK_URL_BASE + key, new Response(part));
    } catch (error) {
      throw await explainWriteFailure(error, partSize(part));
    }
  }

  get(key: string): Promise<Blob | undefined> {
    return boundedChunkRead(
      caches
        .open(CHUNKS_CACHE)
        .then((cache) => cache.match(CHUNK_URL_BASE + key))
        .then((response) => response?.blob()),
    );
  }

  present(keys: readonly string[]): Promise<boolean[]> {
    return boundedChunkRead(
      caches
        .open(CHUNKS_CACHE)
        .then((cache) =>
          Promise.all(
            keys.map(async (key) => (await cache.match(CHUNK_URL_BASE + key)) !== undefined),
          ),
        ),
    );
  }

  deletePrefix(prefix: string): Promise<void> {
    return boundedChunkDelete(
      caches.open(CHUNKS_CACHE).then(async (cache) => {
        await Promise.all(
          (await cache.keys())
            .filter((request) => request.url.startsWith(CHUNK_URL_BASE + prefix))
            .map((request) => cache.delete(request)),
        );
      }),
    );
  }
}
