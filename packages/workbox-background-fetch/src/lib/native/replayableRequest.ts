/**
 * A request to send again for a record of a native job: Chromium hands
 * back record requests whose `mode` is not the one the job was started with
 * (`no-cors`), and a cross-origin `no-cors` fetch from the worker gives an
 * opaque response the fallback cannot read. Background Fetch never accepts
 * `no-cors` requests, so the copy is a `cors` request with the same URL,
 * method, headers and credentials.
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
