import type {BackendKind} from '../protocol.js';
import type {
  BackgroundFetchOptions,
  BackgroundFetchRegistration,
  BackgroundFetchUIOptions,
} from '../types.js';

/**
 * How a job ended (or was clicked), as a backend reports it to its queue.
 * The native backend makes one from a `backgroundfetch*` event; the fallback
 * backend from its own download engine.
 *
 * @private
 */
export interface JobSettlement {
  type: 'success' | 'fail' | 'abort' | 'click';
  /** The job, with its full (queue-prefixed) id. */
  registration: BackgroundFetchRegistration;
  /** The event whose `waitUntil()` keeps the worker alive meanwhile. */
  event: ExtendableEvent;
  /** Present for success and fail: once, while the settlement is handled. */
  updateUI?: (options?: BackgroundFetchUIOptions) => Promise<void>;
}

/** What a queue gives its backends. @private */
export interface BackendContext {
  queueName: string;
  /**
   * Called once a job ended. The backend keeps the job's records readable
   * until the returned promise settles, then releases them.
   */
  onSettled(settlement: JobSettlement): Promise<void>;
}

/**
 * The seam between a `BackgroundFetchQueue` and where the bytes come from:
 * Chrome's native Background Fetch, or the chunked fallback. Ids here are
 * full job ids (see `toJobId`).
 *
 * @private
 */
export interface BackgroundFetchBackend {
  readonly kind: BackendKind;
  fetch(
    jobId: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<BackgroundFetchRegistration>;
  get(jobId: string): Promise<BackgroundFetchRegistration | undefined>;
  getIds(): Promise<string[]>;
}
