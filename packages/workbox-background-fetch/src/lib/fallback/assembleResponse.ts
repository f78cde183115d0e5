import {withKnownBodySize} from '../knownBodySize.js';
import {responseWithUrl} from '../responseWithUrl.js';
import type {StoredResponseHead} from './StoredJob.js';

/** Statuses whose responses have no body. */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * The record's response from a stored head and the file's chunk Blobs in
 * order (or a stream of its bytes, see `RecordStream`): one full response with the original status (a 206 becomes 200),
 * headers and `Content-Type`, without `Content-Range` and `Content-Length`
 * as the Background Fetch spec exposes them. `new Blob(parts)` references
 * the stored, disk-backed chunks: nothing is copied until the body is read
 * (or `cache.put()` writes it). Its `url` is `url` (the request's).
 *
 * @private
 */
export function assembleResponse(
  head: StoredResponseHead,
  parts: Blob[] | ReadableStream<Uint8Array>,
  url = '',
): Response {
  const headers = new Headers(head.headers);
  headers.delete('content-range');
  headers.delete('content-length');
  const status = head.status === 206 ? 200 : head.status;
  const body = NULL_BODY.has(status)
    ? null
    : Array.isArray(parts)
      ? new Blob(parts, {type: headers.get('content-type') ?? ''})
      : parts;
  const response = responseWithUrl(
    new Response(body, {status, statusText: head.statusText, headers}),
    url,
  );
  return body instanceof Blob ? withKnownBodySize(response, () => body.size) : response;
}
