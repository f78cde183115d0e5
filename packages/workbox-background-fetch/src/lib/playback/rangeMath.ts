import type {StoredChunk} from '../fallback/planChunks.js';

/** Bytes `[start, end)` of a file (end exclusive). */
export interface RequestedRange {
  start: number;
  end: number;
  /** `bytes=a-`: the client takes whatever length it is given (media elements ask this way). */
  openEnded?: boolean;
}

/** A piece of a stored chunk that serves part of a range. */
export interface ChunkSlice {
  /** The chunk (its `start` is the key of its Blob). */
  chunk: StoredChunk;
  /** Offsets inside the chunk's Blob, `[from, to)`. */
  from: number;
  to: number;
}

/**
 * The bytes a single-range `Range` header asks for in a file of `total`
 * bytes, as RFC 9110 reads it: `bytes=a-b`, `bytes=a-` or the suffix
 * `bytes=-n`; the end is clamped to the file. `null` for anything else
 * (several ranges, other units, a range that starts past the end): the
 * network answers those.
 *
 * @example
 * parseRange('bytes=100-199', 1000); // {start: 100, end: 200}
 * parseRange('bytes=-100', 1000);    // {start: 900, end: 1000}
 *
 * @private
 */
export function parseRange(header: string, total: number): RequestedRange | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '') || total <= 0) {
    return null;
  }
  const [, first, last] = match;
  if (first === '') {
    const length = Number(last);
    return length > 0 ? {start: Math.max(0, total - length), end: total} : null;
  }
  const start = Number(first);
  const end = last === '' ? total : Math.min(Number(last) + 1, total);
  if (!Number.isSafeInteger(start) || start >= total || end <= start) {
    return null;
  }
  return last === '' ? {start, end, openEnded: true} : {start, end};
}

/**
 * The part of `range` that stored chunks can answer: all of it, or for an
 * open-ended range (`bytes=a-`) the stored run of bytes from its start (a
 * 206 may be shorter than an open-ended request; media elements then ask
 * for the rest). `null` when nothing can be answered from storage.
 *
 * @private
 */
export function answerableRange(
  chunks: readonly StoredChunk[],
  range: RequestedRange,
): RequestedRange | null {
  if (!range.openEnded) {
    return coveringSlices(chunks, range) ? range : null;
  }
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  let end = range.start;
  for (const chunk of sorted) {
    if (chunk.start <= end && chunk.end > end) {
      end = Math.min(chunk.end, range.end);
    }
  }
  return end > range.start ? {start: range.start, end} : null;
}

/**
 * The slices of stored chunks that hold every byte of `range`, in order,
 * or `null` when some byte of it is not stored yet.
 *
 * @param chunks Stored chunks of one file, in any order, never overlapping.
 *
 * @private
 */
export function coveringSlices(
  chunks: readonly StoredChunk[],
  range: RequestedRange,
): ChunkSlice[] | null {
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  const slices: ChunkSlice[] = [];
  let position = range.start;
  for (const chunk of sorted) {
    if (position >= range.end) {
      break;
    }
    if (chunk.end <= position) {
      continue;
    }
    if (chunk.start > position) {
      return null; // A gap before this chunk.
    }
    const to = Math.min(chunk.end, range.end);
    slices.push({chunk, from: position - chunk.start, to: to - chunk.start});
    position = to;
  }
  return position >= range.end ? slices : null;
}
