import type {BackendKind, RegistrationSnapshot} from '../protocol.js';
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
  BackgroundFetchResult,
} from '../types.js';

/**
 * What `queue.fetch()` and `queue.get()` return and what the queue's
 * callbacks receive as `registration`: a `BackgroundFetchRegistration`
 * (`id`, `downloaded`, `result`, `failureReason`, `abort()`, `match()`,
 * `matchAll()`, `progress` events…), whichever backend runs the job, plus
 * `backend` (`'native'` or `'fallback'`) and `snapshot()`, a plain copy of
 * its state. The page package's `WindowRegistration` is one too.
 *
 * Import it as a type to name what `fetch()` returns; the library makes
 * the instances (its backends and the page manager subclass it).
 *
 * @example
 * import type {SnapshotRegistration} from 'workbox-background-fetch';
 *
 * const registration: SnapshotRegistration = await queue.fetch('ep-5', '/media/ep-5.mp3');
 * registration.addEventListener('progress', () => {
 *   console.log(registration.backend, registration.downloaded);
 * });
 */
export abstract class SnapshotRegistration
  extends EventTarget
  implements BackgroundFetchRegistration
{
  protected state: RegistrationSnapshot;
  private progressHandler: ((this: BackgroundFetchRegistration, ev: Event) => unknown) | null =
    null;

  constructor(snapshot: RegistrationSnapshot) {
    super();
    this.state = {...snapshot};
  }

  get id(): string {
    return this.state.id;
  }
  get uploadTotal(): number {
    return this.state.uploadTotal;
  }
  get uploaded(): number {
    return this.state.uploaded;
  }
  get downloadTotal(): number {
    return this.state.downloadTotal;
  }
  get downloaded(): number {
    return this.state.downloaded;
  }
  get result(): BackgroundFetchResult {
    return this.state.result;
  }
  get failureReason(): BackgroundFetchFailureReason {
    return this.state.failureReason;
  }
  get recordsAvailable(): boolean {
    return this.state.recordsAvailable;
  }
  /** Which backend runs this job: `'native'` or `'fallback'`. */
  get backend(): BackendKind {
    return this.state.backend;
  }

  get onprogress(): ((this: BackgroundFetchRegistration, ev: Event) => unknown) | null {
    return this.progressHandler;
  }
  set onprogress(handler) {
    if (this.progressHandler) {
      this.removeEventListener('progress', this.progressHandler as EventListener);
    }
    this.progressHandler = handler;
    if (handler) {
      this.addEventListener('progress', handler as EventListener);
    }
  }

  /** A copy of the current state, fit for postMessage. */
  snapshot(): RegistrationSnapshot {
    return {...this.state};
  }

  /**
   * Takes the fields of `next` and fires `progress` when anything a listener
   * sees changed: each kind of registration calls it as its job moves. Once
   * a result is set, later snapshots only update `recordsAvailable`: the
   * spec fires no progress after a result.
   */
  protected applySnapshot(next: Partial<RegistrationSnapshot>): void {
    const before = this.state;
    if (before.result !== '') {
      if (next.recordsAvailable !== undefined) {
        this.state = {...before, recordsAvailable: next.recordsAvailable};
      }
      return;
    }
    this.state = {...before, ...next, id: before.id, queue: before.queue};
    const changed =
      before.downloaded !== this.state.downloaded ||
      before.uploaded !== this.state.uploaded ||
      before.downloadTotal !== this.state.downloadTotal ||
      before.result !== this.state.result ||
      before.failureReason !== this.state.failureReason;
    if (changed) {
      this.dispatchEvent(new Event('progress'));
    }
  }

  /** The first record matching `request`, as `matchAll()` finds them. */
  async match(
    request: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord | undefined> {
    const [record] = await this.matchAll(request, options);
    return record;
  }

  /**
   * Replaces a result already set, without a `progress` event (the spec
   * fires none after a result): a job the browser finished whose records
   * could not be stored ends as a failure. The queue calls it; not for apps.
   *
   * @internal
   */
  _replaceResult(result: BackgroundFetchResult, failureReason: BackgroundFetchFailureReason): void {
    this.state = {...this.state, result, failureReason};
  }

  abstract abort(): Promise<boolean>;
  abstract matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]>;
}
