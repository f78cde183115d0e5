import type {ByteRange} from './resumeHeaders.js';

/** A stored chunk of a file: bytes `[start, end)`. */
export interface StoredChunk {
  start: number;
  end: number;
}

/** What the planner knows of one file. */
export interface FilePlanState {
  /** False until the first response of the file arrived (or after a restart). */
  started: boolean;
  /** The complete length, or `null` while unknown. */
  total: number | null;
  /** The server answers Range requests (`Accept-Ranges: bytes`). */
  ranges: boolean;
  /** Chunks stored so far, in any order, never overlapping. */
  chunks: readonly StoredChunk[];
  /** Ranges requested and not answered yet. */
  inFlight: readonly ByteRange[];
}

/**
 * How long one Range request should last: long enough that its ~6 ms of
 * overhead is noise, short enough that the last request (and the part
 * stored after the last byte) is small. 1000 ms gave 18.8 MiB requests at
 * 40 MB/s; 500 ms in the same runs (npm run bench -- --quick --size=256
 * --rounds=3): Chromium 0.88× → 0.95× A, Firefox 0.96× → 0.98×, WebKitGTK
 * 0.98× → 1.01×, loopback unchanged within noise.
 */
export const TARGET_REQUEST_MS = 500;

/**
 * Below this rate per request (bytes/s), Range chunks are read as a stream
 * stored in parts of ~`PART_MS` (`readBody`), not with `response.blob()`:
 * a stopped worker or a killed browser then loses ~0.1 s of each request in
 * flight instead of all of it (npm run bench -- --only-resume, 40 MB/s:
 * bytes fetched again per worker stop 11.0 → 3.2 MiB, per browser kill
 * 10.3 → 3.7 MiB on Chromium, 10.5 → 5.4 MiB on Firefox). The parts cost
 * some speed: at 40 MB/s (~20 MB/s per request), same runs (npm run bench
 * -- --quick --size=256 --rounds=4), whole reads 0.97× / 0.98× / 0.98× A
 * on Chromium / Firefox / WebKitGTK, 100 ms parts 0.92× / 0.96× / 0.97×,
 * 250 ms parts 0.94× / 0.98× / 0.90×; starting the next request before a
 * chunk's last part is stored was slower still. On loopback (40-70 MB/s
 * per request here) the JavaScript copies of a stream cost up to 40 %
 * (Chromium 0.31× against 0.53×), so fast links keep whole reads, where a
 * fault costs little time anyway.
 */
export const STREAM_BELOW = 32_000_000;

/**
 * True when Range chunks are read in parts (a rate is measured, and it is
 * below `STREAM_BELOW`), false when they are read whole.
 *
 * @param bytesPerSecond Throughput of one request lately, or `null` when
 *     nothing was measured yet.
 *
 * @private
 */
export function readInParts(bytesPerSecond: number | null): boolean {
  return bytesPerSecond !== null && bytesPerSecond < STREAM_BELOW;
}

/** The first request of a file reads this much before Range requests take over. */
export const FIRST_CHUNK = 1024 * 1024;

/** Range requests are never smaller than this (unless `chunkSize` is). */
export const MIN_CHUNK = 256 * 1024;

/** Bytes of `chunks` (which never overlap). */
export function storedBytes(chunks: readonly StoredChunk[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.end - chunk.start, 0);
}

/** End of the run of chunks that starts at byte 0 (0 when byte 0 is missing). */
export function contiguousEnd(chunks: readonly StoredChunk[]): number {
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  let end = 0;
  for (const chunk of sorted) {
    if (chunk.start > end) {
      break;
    }
    end = Math.max(end, chunk.end);
  }
  return end;
}

/** True once the chunks cover the whole file of a known length. */
export function isComplete(state: Pick<FilePlanState, 'total' | 'chunks'>): boolean {
  return state.total !== null && contiguousEnd(state.chunks) >= state.total;
}

/**
 * How many bytes the next Range request asks for: what one request moves
 * in `TARGET_REQUEST_MS` at the throughput measured so far, within
 * `[MIN_CHUNK, chunkSize]`. Fast links get big chunks (fewer requests, less
 * Blob bookkeeping); slow links get small ones, so progress keeps moving
 * and a killed worker loses little.
 *
 * @param bytesPerSecond Throughput of one request lately, or `null` when
 *     nothing was measured yet.
 * @param chunkSize The largest chunk allowed.
 *
 * @private
 */
export function chunkLength(bytesPerSecond: number | null, chunkSize: number): number {
  const wanted =
    bytesPerSecond === null
      ? FIRST_CHUNK
      : Math.max(MIN_CHUNK, Math.round((bytesPerSecond * TARGET_REQUEST_MS) / 1000));
  return Math.max(1, Math.min(chunkSize, wanted));
}

/**
 * The next range to request for a file, or `null` when nothing should be
 * requested now.
 *
 * - A file never answered gets one request for everything (`{0, null}`),
 *   which carries no Range header.
 * - A file of unknown length, or whose server does not do ranges, is read
 *   as one stream to the end: one open-ended request from the end of the
 *   stored bytes.
 * - Otherwise the first gap not stored nor in flight, at most `length` long.
 *
 * @example
 * nextRange({started: true, total: 10, ranges: true,
 *            chunks: [{start: 0, end: 4}], inFlight: []}, 3);
 * // {start: 4, end: 7}
 *
 * @private
 */
export function nextRange(state: FilePlanState, length: number): ByteRange | null {
  if (!state.started || state.total === null || !state.ranges) {
    if (state.inFlight.length > 0) {
      return null;
    }
    const start = state.started ? contiguousEnd(state.chunks) : 0;
    if (state.total !== null && start >= state.total) {
      return null;
    }
    return {start, end: null};
  }
  if (state.inFlight.some((range) => range.end === null)) {
    return null;
  }
  const taken = [...state.chunks, ...(state.inFlight as StoredChunk[])].sort(
    (a, b) => a.start - b.start,
  );
  let cursor = 0;
  for (const range of taken) {
    if (range.start > cursor) {
      break;
    }
    cursor = Math.max(cursor, range.end);
  }
  if (cursor >= state.total) {
    return null;
  }
  const gapEnd = taken.find((range) => range.start > cursor)?.start ?? state.total;
  return {start: cursor, end: Math.min(gapEnd, cursor + length)};
}
