/** What is known of one record of a job the browser reported as a success. */
export interface RecordSizeFacts {
  url: string;
  method: string;
  status: number;
  /** The exposed `Content-Length`, `null` when absent. */
  contentLength: number | null;
  /** The response carries a `Content-Encoding` (gzip, br…): its `Content-Length` counts encoded bytes. */
  encoded: boolean;
  /** Bytes in the record's body (decoded). */
  size: number;
}

/** Whether the bytes of a record are known to be all there. */
export type RecordVerdict =
  /** Shown whole. */
  | {url: string; verdict: 'whole'}
  /** Shown short: fewer bytes than announced. */
  | {url: string; verdict: 'short'; expected: number; got: number}
  /** Cannot be shown whole (no length to compare with, and nothing else vouches for it). */
  | {url: string; verdict: 'unverified'; got: number};

/**
 * Judges the records of a native job that the browser reported as a
 * success, from every signal there is:
 *
 * - an exposed `Content-Length` of an identity body must equal its size;
 * - an encoded body (gzip, br…) cannot be shown whole: Chromium hands over
 *   what it decoded before a cut (measured), its `Content-Length` counts
 *   encoded bytes and `downloaded` decoded ones;
 * - without a length, an empty body cannot be told from a connection cut
 *   mid-body (Chromium's incognito-like contexts report such a cut as a
 *   success with an empty body): unverified;
 * - the browser's own `downloaded` (decoded bytes, measured in Chromium)
 *   must not exceed the bytes in the records: when it does, bytes arrived
 *   that no record holds, and every record not vouched for by a length is
 *   unverified.
 *
 * HEAD requests and responses that are not ok (their job fails with
 * `bad-status` anyway) are not judged.
 *
 * @example
 * judgeRecordSizes([{url, method: 'GET', status: 200, contentLength: null, encoded: true, size: 0}], 0);
 * // [{url, verdict: 'unverified', got: 0}]
 *
 * @private
 */
export function judgeRecordSizes(records: RecordSizeFacts[], downloaded: number): RecordVerdict[] {
  const judged = records.filter(
    ({method, status}) => method !== 'HEAD' && status >= 200 && status < 300,
  );
  const stored = judged.reduce((sum, {size}) => sum + size, 0);
  const missingBytes = downloaded > stored;
  return judged.map(({url, contentLength, encoded, size}): RecordVerdict => {
    if (encoded) {
      // Chromium hands over what it decoded before a cut: a decoded body
      // cannot be measured against the encoded bytes that were sent.
      return contentLength === 0 && size === 0
        ? {url, verdict: 'whole'}
        : contentLength !== null && contentLength > 0 && size === 0
          ? {url, verdict: 'short', expected: contentLength, got: 0}
          : {url, verdict: 'unverified', got: size};
    }
    if (contentLength !== null) {
      return size === contentLength
        ? {url, verdict: 'whole'}
        : {url, verdict: 'short', expected: contentLength, got: size};
    }
    if (size === 0 || missingBytes) {
      return {url, verdict: 'unverified', got: size};
    }
    return {url, verdict: 'whole'};
  });
}
