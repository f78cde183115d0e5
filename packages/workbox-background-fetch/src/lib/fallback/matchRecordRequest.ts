function comparableURL(url: string, ignoreSearch: boolean): string {
  const parsed = new URL(url);
  parsed.hash = '';
  if (ignoreSearch) {
    parsed.search = '';
  }
  return parsed.href;
}

/**
 * True when a record whose request is `recordRequest` answers `query`, by
 * the Cache API's "request matches cached item" rules that
 * `BackgroundFetchRegistration.match()` and `matchAll()` use: same URL
 * without fragment (and without query with `ignoreSearch`), and a GET query
 * unless `ignoreMethod`. `ignoreVary` changes nothing: records carry no
 * Vary to compare before their response exists.
 *
 * @example
 * matchRecordRequest(new Request('/a.mp3?x=1'), {url: 'https://s/a.mp3'},
 *   {ignoreSearch: true}); // true (same origin assumed)
 *
 * @private
 */
export function matchRecordRequest(
  query: Request,
  recordRequest: {url: string},
  options: CacheQueryOptions = {},
): boolean {
  if (!options.ignoreMethod && query.method !== 'GET') {
    return false;
  }
  const ignoreSearch = Boolean(options.ignoreSearch);
  return (
    comparableURL(query.url, ignoreSearch) ===
    comparableURL(recordRequest.url, ignoreSearch)
  );
}
