import type {ChunkPart} from './ChunkStore.js';

/**
 * A part is also handed over once this many ms passed since the last one
 * (and at least `MIN_TIMED_PART` bytes wait): a stopped worker or a killed
 * browser then loses about this much of each request in flight, not the
 * whole request (measured: see `STREAM_BELOW` in planChunks.ts).
 */
export const PART_MS = 100;

/** Parts handed over for time are at least this large (slow links store fewer, larger parts). */
export const MIN_TIMED_PART = 256 * 1024;

/** Options of `readBody`. */
export interface ReadBodyOptions {
  /** Stop after this many bytes (and cancel the rest), or `null` to read to the end. */
  limit: number | null;
  /** Hand over a part once this many bytes are buffered (or after `PART_MS`). */
  commitEvery: number;
  /**
   * Parts as ArrayBuffers, not Blobs (a chunk store that keeps bytes, see
   * `ChunkStore.keepsBytes`, and Chromium's Cache Storage): the pieces are
   * copied once, not made a Blob that the store and the record read back
   * (npm run bench -- --quick --size=128 --rounds=3 --engines=webkit
   * --throttle=20: 3.10 core-s against 3.89, speed 0.99× A in both).
   */
  asBytes?: boolean;
  /** Stores `part`, the bytes from `offset` (relative to the body's start). */
  commit(offset: number, part: ChunkPart): Promise<void>;
  /** Called with the size of every piece read, before it is committed. */
  onBytes(count: number): void;
  /**
   * Stops the read (with an `AbortError`, after handing over what arrived).
   * The reader is cancelled here rather than trusting the engine to error
   * the body of an aborted fetch: on WebKitGTK a job whose stalled request
   * was aborted was seen never finishing.
   */
  signal: AbortSignal;
}

/**
 * Reads a response body as a stream, for bodies whose length is unknown or
 * larger than one request's share, and Range chunks: hands over a part (a
 * Blob, or an ArrayBuffer with `asBytes`) every
 * `commitEvery` bytes or `PART_MS`, whichever comes first, and reports bytes
 * as they arrive. A part is stored while the next
 * one is read (at most one store at a time, so at most two parts are held
 * in memory). When reading fails (network error, abort), the bytes that did
 * arrive are handed over before the error is rethrown: a resume goes on
 * from them. Returns the number of bytes read.
 *
 * @private
 */
export async function readBody(response: Response, options: ReadBodyOptions): Promise<number> {
  const {limit, commitEvery} = options;
  if (!response.body || limit === 0) {
    await response.body?.cancel().catch(() => undefined);
    return 0;
  }
  const reader = response.body.getReader();
  const {signal} = options;
  const stop = (): void => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', stop);
  let parts: Uint8Array[] = [];
  let buffered = 0;
  let handed = 0;
  let storing: Promise<void> = Promise.resolve();
  let partStart = Date.now();
  const flush = async (): Promise<void> => {
    // One store at a time, in order: wait for the previous one first.
    await storing;
    if (buffered === 0) {
      return;
    }
    const part = options.asBytes ? concat(parts, buffered) : new Blob(parts as BlobPart[]);
    const offset = handed;
    parts = [];
    partStart = Date.now();
    handed += buffered;
    buffered = 0;
    storing = options.commit(offset, part);
    // Awaited later; a failure must not count as unhandled meanwhile.
    storing.catch(() => undefined);
  };
  try {
    for (;;) {
      const {done, value} = await reader.read();
      if (signal.aborted) {
        throw new DOMException('The read was aborted.', 'AbortError');
      }
      if (done) {
        break;
      }
      const room = limit === null ? value.byteLength : limit - handed - buffered;
      const piece = value.byteLength > room ? value.subarray(0, room) : value;
      parts.push(piece);
      buffered += piece.byteLength;
      options.onBytes(piece.byteLength);
      if (
        buffered >= commitEvery ||
        (buffered >= MIN_TIMED_PART && Date.now() - partStart >= PART_MS)
      ) {
        await flush();
      }
      if (limit !== null && handed + buffered >= limit) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch (error) {
    await flush();
    await storing;
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  await flush();
  await storing;
  return handed;
}

/** The bytes of `pieces` (`length` in all) in one ArrayBuffer. */
function concat(pieces: Uint8Array[], length: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.byteLength;
  }
  return bytes.buffer;
}
