/** A parsed `Content-Range: bytes first-last/complete` header. */
export interface ContentRange {
  /** Offset of the first byte sent. */
  start: number;
  /** Offset just past the last byte sent (exclusive, unlike the header). */
  end: number;
  /** The complete length, or `null` when the server sent `*`. */
  total: number | null;
}

const DIGITS = /^\d{1,16}$/;

function toOffset(text: string): number | null {
  if (!DIGITS.test(text)) {
    return null;
  }
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Parses the `Content-Range` of a 206 response (RFC 9110 §14.4) with a
 * single byte range. Returns `null` for anything else: a missing header,
 * another unit, several ranges, an unsatisfied range (`bytes *\/1234`, sent
 * with a 416), or numbers that contradict each other.
 *
 * @example
 * parseContentRange('bytes 0-499/1234'); // {start: 0, end: 500, total: 1234}
 * parseContentRange('bytes 500-999/*'); // {start: 500, end: 1000, total: null}
 *
 * @private
 */
export function parseContentRange(value: string | null): ContentRange | null {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '');
  if (!match) {
    return null;
  }
  const first = toOffset(match[1]);
  const last = toOffset(match[2]);
  const total = match[3] === '*' ? null : toOffset(match[3]);
  if (first === null || last === null || last < first) {
    return null;
  }
  if (match[3] !== '*' && (total === null || last >= total)) {
    return null;
  }
  return {start: first, end: last + 1, total};
}
