/**
 * Streams a body slice to a response: zero-copy `subarray` slices with
 * backpressure, through the global throttle when one is set, optionally cut
 * (socket destroyed) after a number of bytes.
 */
import type * as http from 'node:http';
import type {TokenBucket} from './throttle';
import type {RequestLogEntry} from './types';

const SLICE = 1024 * 1024;
const THROTTLED_SLICE = 64 * 1024;

/** Waits for 'drain' or 'close'; resolves false when the response is gone. */
function drained(res: http.ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Resolves when the response is closed (by the client, or a kill). */
export function waitClose(res: http.ServerResponse): Promise<void> {
  if (res.destroyed || res.writableFinished) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/**
 * Sends `body[start, endExclusive)`, counting into `entry.bytesSent`.
 * `throttle()` is read before each slice, so a throttle set or lifted
 * mid-response applies at once. With `cutAfter`, the socket is destroyed
 * once that many bytes are written.
 */
export async function sendBody(
  res: http.ServerResponse,
  entry: RequestLogEntry,
  body: Buffer,
  start: number,
  endExclusive: number,
  cutAfter: number | undefined,
  throttle: () => TokenBucket | null,
): Promise<void> {
  const limit = cutAfter === undefined ? endExclusive : Math.min(endExclusive, start + cutAfter);
  let pos = start;
  let lastWrite: Promise<void> = Promise.resolve();
  // The bucket this response counts as "in progress" for.
  let joined: TokenBucket | null = null;
  const join = (b: TokenBucket | null) => {
    if (joined === b) return;
    if (joined) {
      joined.refillNow();
      joined.active--;
    }
    if (b) {
      b.refillNow();
      b.active++;
    }
    joined = b;
  };
  try {
    while (pos < limit) {
      if (res.destroyed) return;
      let n: number;
      const b = throttle();
      join(b);
      if (b) {
        const want = Math.min(THROTTLED_SLICE, limit - pos);
        const {promise, cancel} = b.acquire(want);
        const onClose = () => cancel();
        res.once('close', onClose);
        n = await promise;
        res.off('close', onClose);
        if (n === 0) continue; // Closed (checked above) or throttle changed.
      } else {
        n = Math.min(SLICE, limit - pos);
      }
      if (res.destroyed) return;
      const chunk = body.subarray(pos, pos + n);
      pos += n;
      lastWrite = new Promise<void>((resolve) => {
        res.write(chunk, (err) => {
          if (!err) entry.bytesSent += chunk.length;
          resolve();
        });
      });
      if (res.writableNeedDrain && !(await drained(res))) return;
    }
  } finally {
    join(null);
  }
  if (res.destroyed) return;
  if (cutAfter !== undefined && cutAfter < endExclusive - start) {
    await lastWrite;
    res.socket?.destroy();
    return;
  }
  res.end();
}
