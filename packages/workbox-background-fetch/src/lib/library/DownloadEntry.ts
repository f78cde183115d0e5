import type {ImageResource} from '../../types.js';

/** One file of a finished download, as the download library lists it. */
export interface DownloadEntryRecord {
  /**
   * The key of its cache entry (a plain GET of it matches): the record's URL,
   * or what a route plugin's `cacheKeyWillBeUsed` made of it.
   */
  url: string;
  /** The cache the record was written to. */
  cacheName: string;
  /** Size of the body, in bytes, as stored. */
  bytes: number;
  /** The response's `Content-Type` (`''` when it had none). */
  contentType: string;
  /** True when the entry is no longer in its cache (evicted, deleted by hand). */
  missing: boolean;
}

/**
 * A finished download of a queue, as `queue.library` (worker) and
 * `manager.library` (page) list it: written when the job succeeded, after
 * its records were cached and before `onSuccess` ran.
 *
 * ```js
 * for (const entry of await queue.library.list()) {
 *   console.log(entry.title, entry.bytes, entry.missing ? 'gone' : 'ready');
 * }
 * ```
 */
export interface DownloadEntry {
  /** The job id given to `fetch()`. */
  id: string;
  /** The `title` given to `fetch()` (`''` when none). */
  title: string;
  /** The `icons` given to `fetch()`. */
  icons: ImageResource[];
  /** When the job finished, in ms since the epoch. */
  finishedAt: number;
  /** Sum of the records' `bytes`. */
  bytes: number;
  /**
   * True when any record is no longer in its cache: the browser evicted the
   * origin's storage, or code deleted it behind the library's back. Checked
   * against the caches on every `list()` and `get()`.
   */
  missing: boolean;
  /** One per cached record (native jobs: in the order the browser lists them). */
  records: DownloadEntryRecord[];
}
