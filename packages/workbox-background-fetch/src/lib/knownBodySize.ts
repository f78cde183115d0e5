const sizes = new WeakMap<Response, () => number | undefined>();

/**
 * Notes how to tell the size of `response`'s body without reading it (a
 * response built from stored parts knows it); returns `response`.
 *
 * @private
 */
export function withKnownBodySize(response: Response, size: () => number | undefined): Response {
  sizes.set(response, size);
  return response;
}

/**
 * The size of `response`'s body noted by `withKnownBodySize`, or
 * `undefined`. Reading a cached body to measure it costs a copy of the
 * whole file on Firefox (about 1 s per 256 MiB).
 *
 * @private
 */
export function knownBodySize(response: Response): number | undefined {
  return sizes.get(response)?.();
}
