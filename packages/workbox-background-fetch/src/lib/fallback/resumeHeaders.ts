/** What identifies one version of a file: its validators, as the server sent them. */
export interface Validators {
  /** The `ETag` header, or `null`. */
  etag: string | null;
  /** The `Last-Modified` header, or `null`. */
  lastModified: string | null;
}

/** A byte range `[start, end)`; `end: null` runs to the end of the file. */
export interface ByteRange {
  start: number;
  end: number | null;
}

/** True for an ETag that `If-Range` may use: a strong one (not `W/"…"`). */
function isStrongETag(etag: string | null): etag is string {
  return typeof etag === 'string' && /^"[^"]*"$/.test(etag.trim());
}

/**
 * The headers that ask for `range` of a file already partly known, as the
 * Background Fetch spec resumes: `Range: bytes=start-[end-1]` plus
 * `If-Range` with the strong ETag, else `Last-Modified`, so a server whose
 * file changed answers with the whole new file (200) instead of mixing
 * versions.
 *
 * Returns no header at all for the first request of a file (`validators`
 * is `null`: no response seen yet) and for a request of the whole file
 * (`bytes=0-`): the spec never sends a Range on a first request.
 *
 * `allowIfRange: false` leaves `If-Range` out: it is not a CORS-safelisted
 * header, so on a cross-origin request it would need a preflight the server
 * may refuse; the response's validators are checked instead.
 *
 * @example
 * resumeHeaders({etag: '"v1"', lastModified: null}, {start: 100, end: null}, true);
 * // {Range: 'bytes=100-', 'If-Range': '"v1"'}
 *
 * @private
 */
export function resumeHeaders(
  validators: Validators | null,
  range: ByteRange,
  allowIfRange: boolean,
): Record<string, string> {
  if (validators === null || (range.start === 0 && range.end === null)) {
    return {};
  }
  const last = range.end === null ? '' : String(range.end - 1);
  const headers: Record<string, string> = {Range: `bytes=${range.start}-${last}`};
  if (allowIfRange) {
    if (isStrongETag(validators.etag)) {
      headers['If-Range'] = validators.etag.trim();
    } else if (validators.lastModified) {
      headers['If-Range'] = validators.lastModified;
    }
  }
  return headers;
}
