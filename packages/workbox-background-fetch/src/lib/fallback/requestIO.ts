import {deserializeRequest} from '../serialization.js';
import {
  acceptsRanges,
  contentLength,
  fullLength,
  responseHead,
  validatorsOf,
} from './responseHead.js';
import type {SerializedRequest} from '../../protocol.js';
import type {ResponseSummary} from './downloadState.js';

declare const self: ServiceWorkerGlobalScope;

/*
  The I/O helpers of the job driver (`FallbackJob.ts`): building a request,
  describing a response to the core, discarding bodies, reads that end on
  abort.
*/

/** True when `url` has the worker's origin (`If-Range` is then allowed). @private */
export function sameOrigin(url: string): boolean {
  return new URL(url).origin === self.location.origin;
}

/** Discards the body of `response`. @private */
export function cancelBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * `promise`, or an `AbortError` as soon as `signal` aborts: a body read the
 * engine does not end on abort must not hold the job (see `readBody`).
 *
 * @private
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(new DOMException('The read was aborted.', 'AbortError'));
    if (signal.aborted) {
      abort();
    }
    signal.addEventListener('abort', abort, {once: true});
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * The stored request with `extraHeaders` (Range, If-Range) and `signal`.
 * Unless the app chose a cache mode, it bypasses the browser's HTTP cache
 * (`no-store`), as Chromium's own Background Fetch downloads do: against a
 * server whose answers are cacheable (nginx's defaults, a CDN's
 * `max-age`), Chromium's cache stored every chunk a third time and sent
 * Range requests of its own (`If-Range`, cut after 32 KiB) besides the
 * job's.
 *
 * @private
 */
export function buildRequest(
  stored: SerializedRequest,
  extraHeaders: Record<string, string>,
  signal: AbortSignal,
): Request {
  const request = deserializeRequest(stored);
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(extraHeaders)) {
    headers.set(name, value);
  }
  const cache = request.cache === 'default' ? 'no-store' : request.cache;
  return new Request(request, {headers, signal, cache});
}

/** What the core needs to know of `response` to a request of `method`. @private */
export function summarizeResponse(response: Response, method: string): ResponseSummary {
  const {headers} = response;
  return {
    status: response.status,
    ok: response.ok,
    head: responseHead(response),
    validators: validatorsOf(headers),
    contentRange: headers.get('content-range'),
    contentLength: contentLength(headers),
    fullLength: fullLength(response, method),
    acceptsRanges: acceptsRanges(headers),
    crossOrigin: response.url !== '' && !sameOrigin(response.url),
  };
}
