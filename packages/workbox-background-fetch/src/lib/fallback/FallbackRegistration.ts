import {SnapshotRegistration} from '../SnapshotRegistration.js';
import type {RegistrationSnapshot} from '../../protocol.js';
import type {BackgroundFetchRecord} from '../../types.js';

/** What a fallback registration asks of its job. @private */
export interface FallbackJobControl {
  abort(): Promise<boolean>;
  pause(): Promise<boolean>;
  resume(): Promise<boolean>;
  records(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]>;
}

/**
 * The `BackgroundFetchRegistration` of a job run by the chunked fallback:
 * the same fields, `progress` events, `abort()`, `match()` and `matchAll()`
 * as a native one, plus two extensions native Background Fetch does not
 * have, `pause()` and `resume()`.
 *
 * @example
 * const registration = await queue.fetch('film', '/film.mp4');
 * if (registration.backend === 'fallback') {
 *   await registration.pause();
 * }
 *
 * @private
 */
export class FallbackRegistration extends SnapshotRegistration {
  private readonly _job: FallbackJobControl;

  constructor(snapshot: RegistrationSnapshot, job: FallbackJobControl) {
    super(snapshot);
    this._job = job;
  }

  /**
   * The job moved: takes the fields of `next` (see `applySnapshot()`).
   *
   * @internal
   */
  _update(next: Partial<RegistrationSnapshot>): void {
    this.applySnapshot(next);
  }

  /**
   * Stops the download at once and deletes what it stored. Resolves `false`
   * when the job is no longer active.
   */
  abort(): Promise<boolean> {
    return this._job.abort();
  }

  /**
   * The records whose requests match (all without `request`). Each
   * `responseReady` resolves once its file is complete; rejects with an
   * `AbortError` after an abort and a `TypeError` when the file failed.
   * Rejects with `InvalidStateError` once `recordsAvailable` is false.
   */
  matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    return this._job.records(request, options);
  }

  /**
   * Extension (not in the Background Fetch spec): stops the requests and
   * keeps what was stored; the job stays active (`getIds()` lists it) with
   * `paused: true` in its snapshot until `resume()`. Resolves `false` unless
   * the job was downloading or queued.
   */
  pause(): Promise<boolean> {
    return this._job.pause();
  }

  /**
   * Extension: goes on with a paused job from its stored bytes. Resolves
   * `false` unless the job was paused.
   */
  resume(): Promise<boolean> {
    return this._job.resume();
  }
}
