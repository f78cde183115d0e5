/** Where the bytes of unfinished downloads live. */
export type ChunkStorageKind = 'indexeddb' | 'cache-storage';

/**
 * A place for the chunks of fallback downloads, as Blobs. Writes resolve
 * once durable, so a chunk listed in a job record always exists (except
 * where a browser drops entries by itself: callers check with `has()`
 * after a restart).
 *
 * @private
 */
export interface ChunkStore {
  readonly kind: ChunkStorageKind;
  put(key: string, blob: Blob): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  has(key: string): Promise<boolean>;
  /** Deletes every chunk whose key starts with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
}

/**
 * The key of a chunk: job uid, file index, file generation and first byte.
 * Keys of one job share the prefix `chunkKeyPrefix(uid)`.
 *
 * @private
 */
export function chunkKey(uid: string, file: number, generation: number, start: number): string {
  return `${chunkKeyPrefix(uid)}${file}/${generation}/${start}`;
}

/** The prefix of every chunk key of job `uid`. @private */
export function chunkKeyPrefix(uid: string): string {
  return `${uid}/`;
}
