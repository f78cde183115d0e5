import type {RetryOptions} from './retryPolicy.js';

/**
 * The fallback backend's options, resolved (see `resolveFallbackOptions`),
 * as its jobs use them.
 *
 * @private
 */
export interface FallbackSettings {
  /** The most a killed worker may lose: the requests in flight share it. */
  chunkSize: number;
  /** Requests in flight per job. */
  maxInFlight: number;
  retry: RetryOptions;
  /** A request that receives nothing for this long (ms) is cut and retried. */
  stallTimeout: number;
  /** One notification per job, where permission is granted. */
  notifications: boolean;
}
