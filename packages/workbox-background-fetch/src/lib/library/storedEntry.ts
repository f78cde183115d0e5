import type {ImageResource} from '../../types.js';
import type {DownloadEntry, DownloadEntryRecord} from './DownloadEntry.js';

/*
  What IndexedDB keeps of the download library. Plain field names only:
  these objects cross structured cloning, and production builds mangle `_`
  names.
*/

/** The title and icons of a job, kept from `fetch()` until the job ends. */
export interface PendingEntry {
  kind: 'pending';
  queue: string;
  id: string;
  title: string;
  icons: ImageResource[];
}

/** A finished download as stored (`missing` is computed when listed). */
export interface StoredEntry {
  kind: 'entry';
  queue: string;
  id: string;
  title: string;
  icons: ImageResource[];
  finishedAt: number;
  records: Array<Omit<DownloadEntryRecord, 'missing'>>;
}

/** The IndexedDB key of an entry or pending entry of `queue`. @private */
export function entryKey(kind: 'pending' | 'entry', queue: string, id: string): IDBValidKey {
  return [kind, queue, id];
}

/**
 * What is kept of a new job's options: a title and icons that survive
 * structured cloning (anything else is dropped).
 *
 * @private
 */
export function pendingEntry(
  queue: string,
  id: string,
  options: {title?: unknown; icons?: unknown},
): PendingEntry {
  const icons = Array.isArray(options.icons)
    ? (options.icons as ImageResource[])
        .filter((icon) => typeof icon?.src === 'string')
        .map(({src, sizes, type, label}) => ({
          src,
          ...(sizes === undefined ? {} : {sizes}),
          ...(type === undefined ? {} : {type}),
          ...(label === undefined ? {} : {label}),
        }))
    : [];
  return {
    kind: 'pending',
    queue,
    id,
    title: typeof options.title === 'string' ? options.title : '',
    icons,
  };
}

/**
 * The stored entry of a job that succeeded.
 *
 * @param pending Its title and icons (absent: empty ones).
 * @param records Its cached records with their sizes and types.
 *
 * @private
 */
export function finishedEntry(
  queue: string,
  id: string,
  pending: PendingEntry | undefined,
  records: StoredEntry['records'],
  finishedAt: number,
): StoredEntry {
  return {
    kind: 'entry',
    queue,
    id,
    title: pending?.title ?? '',
    icons: pending?.icons ?? [],
    finishedAt,
    records,
  };
}

/**
 * The public view of a stored entry, given which of its records are gone
 * from their caches.
 *
 * @param missing One flag per record, in order.
 *
 * @private
 */
export function toDownloadEntry(stored: StoredEntry, missing: readonly boolean[]): DownloadEntry {
  const records = stored.records.map((record, index) => ({
    ...record,
    missing: Boolean(missing[index]),
  }));
  return {
    id: stored.id,
    title: stored.title,
    icons: stored.icons.map((icon) => ({...icon})),
    finishedAt: stored.finishedAt,
    bytes: records.reduce((sum, record) => sum + record.bytes, 0),
    missing: records.some((record) => record.missing),
    records,
  };
}

/** Newest first; equal times by id, so the order is stable. @private */
export function newestFirst(
  a: {finishedAt: number; id: string},
  b: {finishedAt: number; id: string},
): number {
  return b.finishedAt - a.finishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
