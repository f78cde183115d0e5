/** Deterministic test bodies and their hashes. */
import {createHash} from 'node:crypto';

/**
 * Deterministic pseudo-random bytes (xorshift32 over a Uint32Array):
 * the same `(size, seed)` always gives the same bytes. 256 MiB takes
 * about 0.3 s.
 */
export function generateBytes(size: number, seed: number | string = 1): Buffer {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`generateBytes: bad size ${size}`);
  }
  let s: number;
  if (typeof seed === 'string') {
    s = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
      s = Math.imul(s ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    }
  } else {
    s = Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b;
  }
  s = s >>> 0 || 0x6d2b79f5;
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Lower-case hex SHA-256 of `buf`. */
export function sha256(buf: Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}
