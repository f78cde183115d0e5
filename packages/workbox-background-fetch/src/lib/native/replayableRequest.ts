/**
 * A request to send again, from the worker, for a record of a native job.
 * Background Fetch only ever accepts `cors` and `same-origin` requests, but
 * the request a record hands back need not carry the job's mode (a
 * `no-cors` copy of a cross-origin URL would give an opaque response the
 * fallback cannot read): the copy is a `cors` request with the same URL,
 * method, headers, credentials, cache, redirect and integrity.
 *
 * @private
 */
export function replayableRequest(request: Request): Request {
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    mode: 'cors',
    credentials: request.credentials,
    cache: request.cache,
    redirect: request.redirect,
    referrerPolicy: request.referrerPolicy,
    integrity: request.integrity,
  });
}
