import {createError} from '../models/createError.js';
import {STORAGE_WAIT_MS} from './jobStore.js';
import {within} from './wait.js';

/** Where the bytes of unfinished downloads live. */
export type ChunkStorageKind = 'indexeddb' | 'cache-storage';

/** A stored part of a file: a Blob, or its bytes where the store keeps bytes (`keepsBytes`). */
export type ChunkPart = Blob | ArrayBuffer;

/**
 * The size of `part` in bytes.
 * @private
 */
export function partSize(part: ChunkPart): number {
  return part instanceof Blob ? part.size : part.byteLength;
}

/**
 * A place for the chunks of fallback downloads, as Blobs (or their bytes,
 * see `keepsBytes`); `get()` always gives a Blob. Writes resolve
 * once durable, so a chunk listed in a job record always exists (except
 * where a browser drops entries by itself: jobs check with `has()` when
 * they resume).
 *
 * @private
 */
export interface ChunkStore {
  /**
   * True where the browser copies stored chunks into a record faster than a
   * stream through the worker writes it (Cache Storage on Chromium): a
   * record written while the job downloads gets each part only once it is
   * stored (two cache writes at once were slower), and one that falls
   * behind is dropped for the copy at the end (see `EarlyRecords`).
   */
  readonly copiesInBrowser: boolean;
  /**
   * True once chunks are stored as ArrayBuffers (the browser refuses Blobs
   * in IndexedDB: WebKit's private and automated sessions). Whole bodies
   * are then read as bytes, and streamed ones gathered into bytes, and
   * handed on as they are, not made a Blob that the store and the record
   * read back.
   */
  readonly keepsBytes: boolean;
  put(key: string, part: ChunkPart): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  has(key: string): Promise<boolean>;
  /** Deletes every chunk whose key starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
}

/**
 * The slowest a chunk write is taken to be, in bytes per second, on top of
 * `STORAGE_WAIT_MS`: 1 MiB/s, far below any disk (a 64 MiB chunk may take
 * 84 s).
 */
const SLOWEST_CHUNK_WRITE = 1024 * 1024;

/**
 * Stores `part` under `key` in `store`, or rejects with a `TimeoutError`
 * (`chunk-write-timeout`) when the store did not answer within
 * `STORAGE_WAIT_MS` plus the part's size at `SLOWEST_CHUNK_WRITE`: a
 * request whose write fails is fetched again, and a job that IndexedDB
 * keeps waiting for good (WebKit behind a worker terminated mid-write, a
 * transaction that never ends) fails once its retries are spent, rather
 * than waiting for ever. The write itself stays queued; a chunk it stores
 * late belongs to no record, and goes when the job ends or at the next
 * sweep.
 *
 * @private
 */
export function putChunk(
  store: ChunkStore,
  key: string,
  part: ChunkPart,
  url: string,
): Promise<void> {
  const bytes = partSize(part);
  const ms = STORAGE_WAIT_MS + Math.ceil((bytes / SLOWEST_CHUNK_WRITE) * 1000);
  return within(store.put(key, part), ms, () => {
    throw createError('chunk-write-timeout', {url, bytes, seconds: ms / 1000}, 'TimeoutError');
  });
}

/**
 * The prefix of the chunk keys of job `uid`, or of one generation of one
 * of its files.
 *
 * @private
 */
export function chunkKeyPrefix(uid: string, file?: number, generation?: number): string {
  return file === undefined ? `${uid}/` : `${uid}/${file}/${generation ?? 0}/`;
}

/**
 * The key of a chunk: job uid, file index, file generation and first byte.
 *
 * @private
 */
export function chunkKey(uid: string, file: number, generation: number, start: number): string {
  return `${chunkKeyPrefix(uid, file, generation)}${start}`;
}

/**
 * The job uid of chunk key `key`.
 *
 * @private
 */
export function chunkKeyUid(key: string): string {
  return key.split('/', 1)[0];
}
