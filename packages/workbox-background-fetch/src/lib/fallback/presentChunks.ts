import {chunkKey} from './ChunkStore.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/**
 * After a worker start: for each file, which of its listed chunks the
 * browser still has (WebKit drops entries by itself); a failed check counts
 * as missing.
 *
 * @private
 */
export function presentChunks(state: DownloadState, store: ChunkStore): Promise<boolean[][]> {
  const {uid} = state.record;
  return Promise.all(
    state.files.map(({stored}, index) =>
      Promise.all(
        stored.chunks.map((chunk) =>
          store.has(chunkKey(uid, index, stored.generation, chunk.start)).catch(() => false),
        ),
      ),
    ),
  );
}
