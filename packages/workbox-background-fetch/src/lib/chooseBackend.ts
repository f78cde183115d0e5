import {repeatable} from './fallback/retryPolicy.js';
import type {RecordProblem} from './native/verifyRecordBodies.js';
import type {BackgroundFetchFailureReason} from '../types.js';

/**
 * The one place that decides which engine runs a job: whether native is
 * tried at all, when it starts, and when a native job ends. Pure: the
 * backends, the queue, the worker polyfill and the page manager ask, then
 * act.
 */

/**
 * Whether native Background Fetch is tried: the browser has its manager
 * (the browser's own, never the polyfill's) and the queue does not force
 * the fallback.
 *
 * @private
 */
export function usesNative<Manager extends object>(
  nativeManager: Manager | null | undefined,
  forceFallback = false,
): nativeManager is Manager {
  return Boolean(nativeManager) && !forceFallback;
}

/**
 * Whether a refused native start goes to the chunked fallback: Chrome
 * refuses `backgroundFetch.fetch()` inside a service worker and with no
 * page able to start it (`NotAllowedError`); WebKit with its flag on
 * refuses every call the same way. Any other error is the caller's.
 *
 * @private
 */
export function startsWithFallback(error: unknown): boolean {
  return (error as Error | null)?.name === 'NotAllowedError';
}

/** How a native job ended, as its end event and records show it. */
export interface NativeOutcome {
  /** The browser's event. */
  type: 'success' | 'fail' | 'abort';
  /** The browser's failure reason. */
  failureReason: BackgroundFetchFailureReason;
  /** A record of a reported success that is short or cannot be shown whole. */
  problem?: RecordProblem;
  /** Statuses of the records whose response is not ok (0: no response at all, a network error). */
  badStatuses: number[];
  /** Methods of the job's requests. */
  methods: string[];
}

/** What becomes of a native job that ended. */
export type NativeVerdict =
  /** Settle with this result. */
  | {
      action: 'settle';
      type: 'success' | 'fail' | 'abort';
      failureReason: BackgroundFetchFailureReason;
    }
  /** Continue the same job with the chunked fallback (same id, no end event yet). */
  | {action: 'take-over'; why: string};

/**
 * What becomes of a native job that ended. A network failure the fallback
 * can recover — a dropped or refused connection (`fetch-error`, or
 * `bad-status` from responses that never came: status 0), or a success whose
 * records cannot be shown whole — is taken over by the fallback, unless the
 * queue opted out (`nativeFailover: false`) or a request may not be sent
 * again (only GET and HEAD are repeated, as the spec says): then such a
 * success becomes `fetch-error` and a failure keeps the browser's reason. `bad-status` with a real HTTP status,
 * `aborted`, `download-total-exceeded` and `quota-exceeded` stay as they are.
 *
 * @example
 * decideNativeEnd({type: 'fail', failureReason: 'fetch-error', badStatuses: [], methods: ['GET']}, true);
 * // {action: 'take-over', why: 'fetch-error'}
 *
 * @private
 */
export function decideNativeEnd(outcome: NativeOutcome, failover: boolean): NativeVerdict {
  let why: string | undefined;
  if (outcome.type === 'success') {
    if (!outcome.problem) {
      return {action: 'settle', type: 'success', failureReason: ''};
    }
    const {problem} = outcome;
    why =
      problem.verdict === 'short'
        ? `${problem.url} has ${problem.got} of ${problem.expected} bytes`
        : `${problem.url} (${problem.got} bytes) cannot be shown whole`;
  } else if (outcome.type === 'fail') {
    const networkOnly =
      outcome.badStatuses.length > 0 && outcome.badStatuses.every((status) => status === 0);
    if (
      outcome.failureReason === 'fetch-error' ||
      (outcome.failureReason === 'bad-status' && networkOnly)
    ) {
      why =
        outcome.failureReason === 'bad-status' ? 'bad-status without a response' : 'fetch-error';
    }
  }
  if (why === undefined) {
    return {action: 'settle', type: outcome.type, failureReason: outcome.failureReason};
  }
  if (failover && outcome.methods.every(repeatable)) {
    return {action: 'take-over', why};
  }
  // A success that cannot be trusted fails; a failure keeps the browser's reason.
  return {
    action: 'settle',
    type: 'fail',
    failureReason: outcome.type === 'success' ? 'fetch-error' : outcome.failureReason,
  };
}
