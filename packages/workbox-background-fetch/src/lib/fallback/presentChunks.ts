import {chunkKey, chunkKeyPrefix} from './ChunkStore.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/**
 * Which of each file's listed chunks the store still has (WebKit drops
 * entries by itself after a worker start; an app may delete the chunk
 * cache), from one listing of the job's keys; a failed listing counts as
 * every chunk missing.
 *
 * @private
 */
export async function presentChunks(state: DownloadState, store: ChunkStore): Promise<boolean[][]> {
  const {uid} = state.record;
  const stored = new Set(await store.keys(chunkKeyPrefix(uid)).catch(() => []));
  return state.files.map(({stored: file}, index) =>
    file.chunks.map((chunk) => stored.has(chunkKey(uid, index, file.generation, chunk.start))),
  );
}
