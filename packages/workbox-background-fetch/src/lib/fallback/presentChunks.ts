import {chunkKey} from './ChunkStore.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/**
 * Which of each file's listed chunks the store still has (WebKit drops
 * entries by itself after a worker start; an app may delete the chunk
 * cache), in one call of the store; a failed check counts as every chunk
 * missing.
 *
 * @private
 */
export async function presentChunks(state: DownloadState, store: ChunkStore): Promise<boolean[][]> {
  const {uid} = state.record;
  const keys = state.files.map(({stored}, index) =>
    stored.chunks.map((chunk) => chunkKey(uid, index, stored.generation, chunk.start)),
  );
  const found = await store.present(keys.flat()).catch(() => []);
  let at = 0;
  return keys.map((file) => file.map(() => found[at++] === true));
}
