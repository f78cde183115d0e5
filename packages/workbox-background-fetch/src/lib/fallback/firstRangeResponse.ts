import {log} from './coreRules.js';
import {parseContentRange} from './parseContentRange.js';
import type {Ctx} from './coreRules.js';
import type {RequestState, ResponseSummary} from './downloadState.js';
import type {StoredResponseHead} from './StoredJob.js';

/*
  The first request of a GET file asks for its first chunk only
  (`Range: bytes=0-<chunk-1>`, no validator), so that no connection is cut
  after the first chunk and no byte past it is sent. Its answer:
  - 206 with `Content-Range: bytes 0-<e>/<total>`: the file's head as a
    full 200 of `total` bytes, and its first chunk;
  - 200 (the server ignored the Range) or a failure status other than 416:
    taken as the answer to a request without Range (the whole file; a final
    4xx, a 5xx retried), so a failure costs no extra request;
  - 416 (an empty file), or a 206 whose `Content-Range` is unreadable (not
    exposed cross-origin) or has no total: the file is asked again without
    Range (no attempt counted) and read as one stream.
*/

/** Validators of a first Range request: none, so no `If-Range` is sent. @private */
export const NO_VALIDATORS = {etag: null, lastModified: null};

/** The head of a 206 as the head of the full 200 of `total` bytes. */
function fullHead(head: StoredResponseHead, total: number): StoredResponseHead {
  return {
    status: 200,
    statusText: 'OK',
    headers: [
      ...head.headers.filter(([name]) => !/^content-(range|length)$/i.test(name)),
      ['content-length', String(total)],
    ],
  };
}

/**
 * The answer to the first Range request of a file, as the full response the
 * core knows how to take, or `null` when the file must be asked again
 * without Range (the body is then cancelled and Range requests are off for
 * the file).
 *
 * @private
 */
export function fullResponseOfFirstRange(
  ctx: Ctx,
  request: RequestState,
  response: ResponseSummary,
): ResponseSummary | null {
  if (response.status !== 206 && response.status !== 416) {
    request.firstRange = false;
    return response;
  }
  const range = response.status === 206 ? parseContentRange(response.contentRange) : null;
  if (range === null || range.start !== 0 || range.total === null) {
    if (
      process.env.NODE_ENV !== 'production' &&
      response.status === 206 &&
      response.contentRange === null &&
      response.crossOrigin
    ) {
      const {url} = ctx.state.files[request.file].stored.request;
      log(
        ctx,
        'warn',
        `${url} answered a Range request without a Content-Range this worker can read: ` +
          `it is downloaded in one request, and a fault starts it over from zero. Its ` +
          `server should send Access-Control-Expose-Headers: Content-Range, ` +
          `Content-Length, ETag, Last-Modified.`,
      );
    }
    ctx.out.push({type: 'cancelBody', request: request.id});
    ctx.state.files[request.file].rangesRefused = true;
    return null;
  }
  request.range = {start: 0, end: range.end};
  return {
    ...response,
    status: 200,
    head: fullHead(response.head, range.total),
    contentRange: null,
    contentLength: range.total,
    fullLength: range.total,
    acceptsRanges: true,
  };
}
