/**
 * `response` reporting `url` as its `url` (a `new Response()` has an empty
 * one): records rebuilt from stored bytes read like the fetched response,
 * as native records do. An empty `url` leaves the response as it is.
 *
 * @private
 */
export function responseWithUrl(response: Response, url: string): Response {
  if (url) {
    Object.defineProperty(response, 'url', {value: url, enumerable: true});
  }
  return response;
}
