import {chunkKey} from './ChunkStore.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/**
 * Which of each file's listed chunks the store still has (WebKit drops
 * entries by itself after a worker start; an app may delete the chunk
 * cache), in one call of the store; a failed check counts as every chunk
 * missing. `firstFirst` (the check before a success) asks for each file's
 * first stored chunk alone when they are all there: an app's clean-up
 * takes every chunk stored before it (a lookup per chunk cost Chromium's
 * Cache Storage ~70 ms at the end of a 256 MiB job).
 *
 * @private
 */
export async function presentChunks(
  state: DownloadState,
  store: ChunkStore,
  firstFirst = false,
): Promise<boolean[][]> {
  const {uid} = state.record;
  const keys = state.files.map(({stored}, index) =>
    stored.chunks.map((chunk) => chunkKey(uid, index, stored.generation, chunk.start)),
  );
  const ask = (asked: string[]): Promise<boolean[]> => store.present(asked).catch(() => []);
  if (firstFirst) {
    const first = keys.flatMap((file) => file.slice(0, 1));
    if ((await ask(first)).filter(Boolean).length === first.length) {
      return keys.map((file) => file.map(() => true));
    }
  }
  const found = await ask(keys.flat());
  let at = 0;
  return keys.map((file) => file.map(() => found[at++] === true));
}
