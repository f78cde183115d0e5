/**
 * A request to send again, from the worker, for a record of a native job.
 * Chromium 156 hands back a record's request as `mode: 'no-cors'`,
 * `credentials: 'omit'` whatever the job was started with (measured), and a
 * `no-cors` fetch of a cross-origin URL gives an opaque response the
 * fallback cannot read. Background Fetch only accepts `cors` and
 * `same-origin` requests, so the copy is a `cors` request with the same URL,
 * method, headers, cache, redirect and integrity, and the fetch default
 * `credentials: 'same-origin'` (kept `'include'` when a record says so).
 *
 * @private
 */
export function replayableRequest(request: Request): Request {
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    mode: 'cors',
    credentials: request.credentials === 'include' ? 'include' : 'same-origin',
    cache: request.cache,
    redirect: request.redirect,
    referrerPolicy: request.referrerPolicy,
    integrity: request.integrity,
  });
}
