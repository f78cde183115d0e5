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
   * Streamed bodies reach it as bytes: Blobs kept their data in the browser
   * process until the worker's garbage collection (see `readResponse` in
   * requestTasks.ts).
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
  /** The part under `key`; rejects with `chunk-read-timeout` when the store does not answer (`boundedChunkRead`). */
  get(key: string): Promise<Blob | undefined>;
  /**
   * Whether each of `keys` is stored; rejects as `get` does. One
   * transaction in IndexedDB; one lookup per key in Cache Storage, where
   * Chromium's `cache.keys()` took up to 0.7 s once a few large chunks had
   * been through the cache (npm run bench, 40 MB/s).
   */
  present(keys: readonly string[]): Promise<boolean[]>;
  /** Deletes every chunk whose key starts with `prefix`; rejects with `chunk-delete-timeout` when the store does not answer (`boundedChunkDelete`). */
  deletePrefix(prefix: string): Promise<void>;
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
