import type {Validators} from './resumeHeaders.js';
import type {StoredResponseHead} from './StoredJob.js';

/** The status line and every readable header of `response`. @private */
export function responseHead(response: Response): StoredResponseHead {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
  };
}

/** `ETag` and `Last-Modified` of `headers`. @private */
export function validatorsOf(headers: Headers): Validators {
  return {etag: headers.get('etag'), lastModified: headers.get('last-modified')};
}

/** `Content-Length` as a number, or `null` when absent or malformed. @private */
export function contentLength(headers: Headers): number | null {
  const value = headers.get('content-length');
  if (value === null || !/^\s*\d+\s*$/.test(value)) {
    return null;
  }
  const length = Number(value);
  return Number.isSafeInteger(length) ? length : null;
}

/**
 * The complete length of the file a full (non-range) response carries,
 * in bytes of its body as read: `Content-Length`, unless the body is
 * content-encoded (then the header counts encoded bytes) or the request
 * was a HEAD (no body).
 *
 * @private
 */
export function fullLength(response: Response, method: string): number | null {
  if (method === 'HEAD') {
    return 0;
  }
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') {
    return null;
  }
  return contentLength(response.headers);
}

/** True when the server says it answers byte Range requests. @private */
export function acceptsRanges(headers: Headers): boolean {
  return (headers.get('accept-ranges') ?? '')
    .toLowerCase()
    .split(',')
    .some((unit) => unit.trim() === 'bytes');
}

/**
 * The `Retry-After` of `head` in ms from `now` (Date.now()): its
 * delay-seconds, or its HTTP date; `null` when absent, unreadable or past.
 *
 * @private
 */
export function retryAfterOf(head: StoredResponseHead, now: number): number | null {
  // Header names as `Headers` lists them: lower case.
  const value = head.headers.find(([name]) => name === 'retry-after')?.[1] ?? '';
  const ms = Number(value) * 1000 || Date.parse(value) - now;
  return ms > 0 ? ms : null;
}
