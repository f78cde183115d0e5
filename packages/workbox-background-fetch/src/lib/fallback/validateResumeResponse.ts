import {parseContentRange} from './parseContentRange.js';
import type {ContentRange} from './parseContentRange.js';
import type {Validators} from './resumeHeaders.js';

/** What was stored of a file when a resume request was sent. */
export interface ResumeExpectation {
  /** The offset the request asked from. */
  start: number;
  /** The complete length known so far, or `null`. */
  total: number | null;
  /** The validators of the bytes already stored. */
  validators: Validators;
}

/** The parts of a response to a resume request that decide what to do. */
export interface ResumeResponseHead {
  status: number;
  /** The `Content-Range` header, or `null`. */
  contentRange: string | null;
  /** The `Content-Length` header as a number, or `null`. */
  contentLength: number | null;
  validators: Validators;
}

/**
 * What to do with a response to a resume request:
 * - `append`: a 206 that continues the stored bytes; its body is `range`.
 * - `replace`: a 200 (the server ignored `Range`, or `If-Range` told it the
 *   file changed): throw the stored bytes away and take this response as the
 *   whole file. `changed` says whether it is another version of the file.
 * - `restart`: a 206 that does not fit (other start, total or validators,
 *   several ranges) or a 416: throw the stored bytes away and request the
 *   file again from scratch. Always a change of the file.
 */
export type ResumeVerdict =
  | {action: 'append'; range: ContentRange}
  | {action: 'replace'; changed: boolean}
  /** `reason`: what did not fit, for development logs (empty in production builds). */
  | {action: 'restart'; reason: string};

function differs(stored: string | null, received: string | null): boolean {
  // A validator the response does not carry (or does not expose to CORS)
  // is no evidence either way; one that is there must be identical.
  return stored !== null && received !== null && stored !== received;
}

function validatorsDiffer(stored: Validators, received: Validators): boolean {
  return differs(stored.etag, received.etag) || differs(stored.lastModified, received.lastModified);
}

/**
 * Checks a response to a resume request the way the Background Fetch spec
 * does before any byte of it is stored: a 206 must carry exactly one
 * `Content-Range` starting at the stored offset, the same complete length,
 * and the same `ETag` / `Last-Modified` as the stored bytes.
 *
 * Call it for 2xx and 416 responses; other statuses are errors for the
 * retry policy.
 *
 * @example
 * validateResumeResponse(
 *   {status: 206, contentRange: 'bytes 100-199/1000', contentLength: 100,
 *    validators: {etag: '"v1"', lastModified: null}},
 *   {start: 100, total: 1000, validators: {etag: '"v1"', lastModified: null}},
 * ); // {action: 'append', range: {start: 100, end: 200, total: 1000}}
 *
 * @private
 */
export function validateResumeResponse(
  head: ResumeResponseHead,
  expected: ResumeExpectation,
): ResumeVerdict {
  if (head.status === 206) {
    const range = parseContentRange(head.contentRange);
    if (range === null) {
      return {
        action: 'restart',
        reason: process.env.NODE_ENV !== 'production' ? 'no single Content-Range' : '',
      };
    }
    if (range.start !== expected.start) {
      return {
        action: 'restart',
        reason:
          process.env.NODE_ENV !== 'production'
            ? `Content-Range starts at ${range.start}, not ${expected.start}`
            : '',
      };
    }
    if (expected.total !== null && range.total !== null && range.total !== expected.total) {
      return {
        action: 'restart',
        reason:
          process.env.NODE_ENV !== 'production'
            ? `complete length ${range.total}, not ${expected.total}`
            : '',
      };
    }
    if (head.contentLength !== null && head.contentLength !== range.end - range.start) {
      return {
        action: 'restart',
        reason:
          process.env.NODE_ENV !== 'production' ? 'Content-Length contradicts Content-Range' : '',
      };
    }
    if (validatorsDiffer(expected.validators, head.validators)) {
      return {
        action: 'restart',
        reason: process.env.NODE_ENV !== 'production' ? 'ETag or Last-Modified changed' : '',
      };
    }
    return {action: 'append', range};
  }
  if (head.status === 416) {
    return {
      action: 'restart',
      reason: process.env.NODE_ENV !== 'production' ? 'range not satisfiable' : '',
    };
  }
  const changed =
    validatorsDiffer(expected.validators, head.validators) ||
    (expected.total !== null &&
      head.contentLength !== null &&
      head.contentLength !== expected.total);
  return {action: 'replace', changed};
}
