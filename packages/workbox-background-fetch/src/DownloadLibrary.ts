import {logger} from './lib/logger.js';
import {withinStorageWait} from './lib/fallback/jobStore.js';
import {broadcast} from './lib/broadcast.js';
import {LIBRARY_CHANNEL_NAME} from './protocol.js';
import {deleteRecords, describeCachedRecords, findMissing} from './lib/library/cachedRecords.js';
import {
  deleteEntry,
  loadAllEntries,
  loadEntries,
  loadEntry,
  saveEntry,
} from './lib/library/libraryStore.js';
import {recordsOnlyIn} from './lib/library/recordsOnlyIn.js';
import {
  finishedEntry,
  newestFirst,
  pendingEntry,
  toDownloadEntry,
} from './lib/library/storedEntry.js';
import type {CachedRecord} from './lib/cacheRecords.js';
import type {StoredEntry} from './lib/library/storedEntry.js';
import type {DownloadEntry} from './lib/library/DownloadEntry.js';
import type {BackgroundFetchUIOptions} from './types.js';

/**
 * The finished downloads of one `BackgroundFetchQueue` (`queue.library`),
 * kept in IndexedDB: what a media app lists, sizes and deletes. An entry
 * is written when a job succeeds, after its records are in their caches and
 * before `onSuccess` runs, native and fallback jobs alike; failed and
 * aborted jobs leave none. Entries are keyed by the id given to `fetch()`
 * (a new download of the same id replaces its entry).
 *
 * Pages reach the same library as `manager.library`
 * (workbox-background-fetch-window), which also fires `change` when an
 * entry is added or removed.
 *
 * ```js
 * const queue = new BackgroundFetchQueue('episodes');
 * const entries = await queue.library.list(); // newest first
 * for (const entry of entries.filter((entry) => entry.missing)) {
 *   await queue.library.remove(entry.id); // evicted: forget it
 * }
 * ```
 */
export class DownloadLibrary {
  /** The queue whose downloads this library keeps. */
  readonly queue: string;
  /** False when the queue was created with `library: false`: nothing is written. */
  readonly enabled: boolean;

  /**
   * @param queue The queue's name.
   * @param enabled Whether finished jobs are recorded.
   * @private Use `queue.library`.
   */
  constructor(queue: string, enabled: boolean) {
    this.queue = queue;
    this.enabled = enabled;
  }

  /**
   * Every finished download of the queue, newest first. `missing` is
   * checked against the caches now.
   */
  async list(): Promise<DownloadEntry[]> {
    const stored = await loadEntries(this.queue);
    const entries = await Promise.all(
      stored.map(async (entry) => toDownloadEntry(entry, await findMissing(entry.records))),
    );
    return entries.sort(newestFirst);
  }

  /**
   * The finished download of that id, or `undefined`.
   *
   * @param id The id given to `fetch()`.
   */
  async get(id: string): Promise<DownloadEntry | undefined> {
    const entry = await loadEntry('entry', this.queue, id);
    return entry && toDownloadEntry(entry, await findMissing(entry.records));
  }

  /**
   * Deletes the download of that id: its records from their caches (but
   * not a file another entry lists too, which stays playable), then its
   * entry. Resolves `false` when there was no such entry.
   *
   * @param id The id given to `fetch()`.
   */
  async remove(id: string): Promise<boolean> {
    const entry = await loadEntry('entry', this.queue, id);
    if (!entry) {
      return false;
    }
    await deleteRecords(recordsOnlyIn(entry, await loadAllEntries()));
    await deleteEntry('entry', this.queue, id);
    this._announce(id, 'removed');
    return true;
  }

  /**
   * Keeps a new job's title and icons until it ends (native jobs lose them).
   * @private
   * @internal
   */
  async _prepare(id: string, options: BackgroundFetchUIOptions = {}): Promise<void> {
    if (this.enabled) {
      await saveEntry(pendingEntry(this.queue, id, options));
    }
  }

  /**
   * Runs `start` (which starts job `id`) with the job's title and icons
   * kept meanwhile, and forgets them when it fails to start. (A job that
   * ended at once, `InvalidStateError`, already has its end event.)
   * @private
   * @internal
   */
  async _starting<T>(
    id: string,
    options: BackgroundFetchUIOptions,
    start: () => Promise<T>,
  ): Promise<T> {
    await this._prepare(id, options);
    try {
      return await start();
    } catch (error) {
      if ((error as Error | null)?.name !== 'InvalidStateError') {
        await this._forget(id);
      }
      throw error;
    }
  }

  /**
   * Writes the entry of job `id`, whose records were just cached, and tells
   * every page. A failure to write is logged, not thrown: the files are in
   * their caches either way. An IndexedDB that does not answer is given up
   * after `STORAGE_WAIT_MS`: the queue's callback, which runs after this,
   * never waits for good.
   *
   * @private
   * @internal
   */
  async _add(id: string, cached: readonly CachedRecord[]): Promise<void> {
    if (!this.enabled) {
      return;
    }
    try {
      await withinStorageWait(this._writeEntry(id, cached));
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Could not add background fetch '${id}' to the download library:`, error);
      }
    }
  }

  /** `_add()`'s writes: the finished entry in place of the pending one. */
  private async _writeEntry(id: string, cached: readonly CachedRecord[]): Promise<void> {
    const pending = await loadEntry('pending', this.queue, id);
    const records = await describeCachedRecords(cached);
    const entry: StoredEntry = finishedEntry(this.queue, id, pending, records, Date.now());
    await saveEntry(entry);
    await deleteEntry('pending', this.queue, id);
    this._announce(id, 'added');
  }

  /** Tells every page (`manager.library`'s `change` event). */
  private _announce(id: string, change: 'added' | 'removed'): void {
    broadcast({type: 'WBF_LIBRARY_CHANGE', queue: this.queue, id, change}, LIBRARY_CHANNEL_NAME);
  }

  /**
   * Forgets the title and icons of a job that failed or was aborted
   * (bounded as `_add`). @private
   * @internal
   */
  async _forget(id: string): Promise<void> {
    if (!this.enabled) {
      return;
    }
    try {
      await withinStorageWait(deleteEntry('pending', this.queue, id));
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Could not forget background fetch '${id}':`, error);
      }
    }
  }
}
