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
 * and a GET record unless `ignoreMethod` (a PUT record matches only then, as
 * in Chromium and the web-platform-tests). `ignoreVary` changes nothing: records carry no
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
  recordRequest: {url: string; method?: string},
  options: CacheQueryOptions = {},
): boolean {
  const recordMethod = recordRequest.method ?? 'GET';
  if (!options.ignoreMethod && (query.method !== 'GET' || recordMethod !== 'GET')) {
    return false;
  }
  const ignoreSearch = Boolean(options.ignoreSearch);
  return comparableURL(query.url, ignoreSearch) === comparableURL(recordRequest.url, ignoreSearch);
}
