/** Options of `readBody`. */
export interface ReadBodyOptions {
  /** Stop after this many bytes (and cancel the rest), or `null` to read to the end. */
  limit: number | null;
  /** Hand over a part once this many bytes are buffered. */
  commitEvery: number;
  /** Stores `part`, the bytes from `offset` (relative to the body's start). */
  commit(offset: number, part: Blob): Promise<void>;
  /** Called with the size of every piece read, before it is committed. */
  onBytes(count: number): void;
}

/**
 * Reads a response body as a stream, for bodies whose length is unknown or
 * larger than one chunk: hands over a Blob every `commitEvery` bytes, so at
 * most that much is held in memory and lost if the worker dies, and reports
 * bytes as they arrive. When reading fails (network error, abort), the bytes
 * that did arrive are handed over before the error is rethrown: a resume
 * goes on from them. Returns the number of bytes read.
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
  let parts: Uint8Array[] = [];
  let buffered = 0;
  let committed = 0;
  const flush = async (): Promise<void> => {
    if (buffered === 0) {
      return;
    }
    const part = new Blob(parts as BlobPart[]);
    parts = [];
    buffered = 0;
    await options.commit(committed, part);
    committed += part.size;
  };
  try {
    for (;;) {
      const {done, value} = await reader.read();
      if (done) {
        break;
      }
      const room = limit === null ? value.byteLength : limit - committed - buffered;
      const piece = value.byteLength > room ? value.subarray(0, room) : value;
      parts.push(piece);
      buffered += piece.byteLength;
      options.onBytes(piece.byteLength);
      if (buffered >= commitEvery) {
        await flush();
      }
      if (limit !== null && committed + buffered >= limit) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch (error) {
    await flush();
    throw error;
  }
  await flush();
  return committed;
}
