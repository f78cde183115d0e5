/** How failed requests are retried. */
export interface RetryOptions {
  /** Attempts of one request before giving up, the first one included. */
  maxAttempts: number;
  /** Delay before the first retry, in ms. */
  initialDelay: number;
  /** Upper bound of a delay, in ms. */
  maxDelay: number;
}

/**
 * Why a request failed: no response at all, its bytes refused by a browser
 * whose count of the origin's storage is impossible (`storage`), or a
 * response with a status that is not ok (`retryAfter`: its `Retry-After`,
 * in ms from now).
 */
export type RequestFailure =
  | {type: 'network'}
  | {type: 'storage'}
  | {type: 'status'; status: number; retryAfter?: number | null};

/** What to do after a failed request. */
export type RetryDecision =
  /** Try again after `delay` ms. */
  | {action: 'retry'; delay: number}
  /** The device is offline: wait for the network, this attempt does not count. */
  | {action: 'wait-online'}
  /** Keep this response as the record (`bad-status`). */
  | {action: 'give-up-status'}
  /** No usable response (`fetch-error`). */
  | {action: 'give-up-network'};

/** The context of a failed request. */
export interface RetryContext {
  /** The request's method: only GET (and HEAD) requests are ever sent twice. */
  method: string;
  /**
   * Failed attempts so far, this one included (1 after the first failure);
   * for a `storage` failure, the refusals so far.
   */
  attempts: number;
  /** `navigator.onLine` now. */
  online: boolean;
  options: RetryOptions;
  /** A number in [0, 1); `Math.random` in production. */
  random: () => number;
}

/**
 * The delay before retry number `attempts`: exponential (`initialDelay`,
 * twice that, four times…, at most `maxDelay`) with "equal jitter" (a random
 * half of it), so many clients that failed together do not come back together.
 *
 * @private
 */
export function backoffDelay(
  attempts: number,
  options: Pick<RetryOptions, 'initialDelay' | 'maxDelay'>,
  random: () => number,
): number {
  const exponential = Math.min(
    options.maxDelay,
    options.initialDelay * 2 ** Math.max(0, attempts - 1),
  );
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Whether a request of `method` may be sent again (no body of its own to
 * lose): only GET and HEAD ever are.
 *
 * @private
 */
export function repeatable(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * Whether a response of `status` says "try again later": a 5xx, 408
 * Request Timeout or 429 Too Many Requests (a CDN limiting its clients).
 *
 * @private
 */
export function isTransientStatus(status: number): boolean {
  return (status >= 500 && status <= 599) || status === 408 || status === 429;
}

/**
 * Decides what follows a failed request, as the Background Fetch spec and
 * this library's retry options say:
 * - other 4xx: the response is final (`bad-status`, record kept readable);
 * - network errors and transient statuses (`isTransientStatus`) of GET
 *   requests: retried with backoff until `maxAttempts`, then `fetch-error`
 *   (network) or `bad-status` (the last response is the record); a
 *   `Retry-After` longer than the backoff is waited for, up to `maxDelay`;
 * - offline: wait for the network without counting the attempt;
 * - a storage that refuses every write (`storage`): not counted; tried
 *   again after `maxDelay`, then twice as long after each refusal, up to
 *   16 times `maxDelay` (8 min by default): the browser's count is right
 *   again once it restarts, where the job resumes anyway, and each try
 *   costs the bytes read before its first write;
 * - other methods: never sent twice.
 *
 * @private
 */
export function decideRetry(failure: RequestFailure, context: RetryContext): RetryDecision {
  const again = repeatable(context.method);
  if (failure.type === 'status') {
    if (
      !isTransientStatus(failure.status) ||
      !again ||
      context.attempts >= context.options.maxAttempts
    ) {
      return {action: 'give-up-status'};
    }
  } else {
    if (!again) {
      return {action: 'give-up-network'};
    }
    if (!context.online) {
      return {action: 'wait-online'};
    }
    if (failure.type === 'storage') {
      return {
        action: 'retry',
        delay: context.options.maxDelay * 2 ** Math.min(context.attempts - 1, 4),
      };
    }
    if (context.attempts >= context.options.maxAttempts) {
      return {action: 'give-up-network'};
    }
  }
  const delay = backoffDelay(context.attempts, context.options, context.random);
  const asked = failure.type === 'status' ? (failure.retryAfter ?? 0) : 0;
  return {action: 'retry', delay: Math.max(delay, Math.min(asked, context.options.maxDelay))};
}
