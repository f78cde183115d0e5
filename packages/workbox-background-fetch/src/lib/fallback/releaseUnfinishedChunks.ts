import {chunkKeyPrefix} from './ChunkStore.js';
import type {ChunkStore} from './ChunkStore.js';
import type {StoredJob} from './StoredJob.js';

/**
 * Deletes the chunks of the files of `record` that will never be a record
 * (neither done nor a final bad status), and forgets them. A job that failed
 * with `quota-exceeded` calls it before its fail event, so the app's
 * handler runs with room to write again. Never rejects: a file whose
 * chunks could not be deleted (a store that does not answer: its bound
 * warns, `chunk-delete-timeout`) keeps them listed, and the job's purge
 * tries again (and logs its failure), so the event still runs.
 *
 * @private
 */
export async function releaseUnfinishedChunks(record: StoredJob, store: ChunkStore): Promise<void> {
  await Promise.all(
    record.files.map(async (file, index) => {
      if (file.status === 'done' || file.status === 'bad-status') {
        return;
      }
      try {
        await store.deletePrefix(`${chunkKeyPrefix(record.uid)}${index}/`);
        file.chunks = [];
      } catch {
        // Left for the purge.
      }
    }),
  );
}
