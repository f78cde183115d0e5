import type {BackgroundFetchRecord, BackgroundFetchRegistration} from '../../types.js';

/**
 * The live totals of a native registration, as snapshot fields.
 *
 * @private
 */
export function nativeTotals(native: BackgroundFetchRegistration) {
  return {
    uploadTotal: native.uploadTotal,
    uploaded: native.uploaded,
    downloadTotal: native.downloadTotal,
    downloaded: native.downloaded,
  };
}

/**
 * `native.matchAll(request, options)`, with a URL accepted as a request and
 * no argument passed when there is no request (Chromium treats an explicit
 * `undefined` as a request).
 *
 * @private
 */
export function matchAllNative(
  native: BackgroundFetchRegistration,
  request?: RequestInfo | URL,
  options?: CacheQueryOptions,
): Promise<BackgroundFetchRecord[]> {
  return request === undefined
    ? native.matchAll()
    : native.matchAll(request instanceof URL ? request.href : request, options);
}
