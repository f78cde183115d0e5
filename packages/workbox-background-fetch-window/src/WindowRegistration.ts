import {
  SnapshotRegistration,
  deserializeRequest,
  matchAllNative,
  nativeTotals,
  responseWithUrl,
  serializeRequest,
} from 'workbox-background-fetch/internal';
import type {RegistrationSnapshot, SerializedRecord} from 'workbox-background-fetch/internal';
import type {
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
} from 'workbox-background-fetch/types';
import {createWindowError} from './lib/models/createWindowError.js';
import {messageWorker} from './messageWorker.js';
import {onJobMessage} from './progressChannel.js';
import {keepWorkerAwake} from './keepWorkerAwake.js';

/** A record the worker sent, as a page sees it. @private */
export function toRecord(serialized: SerializedRecord): BackgroundFetchRecord {
  const {response, error} = serialized;
  const responseReady = response
    ? Promise.resolve(
        responseWithUrl(
          new Response(response.body, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          }),
          response.url,
        ),
      )
    : Promise.reject(
        error === 'AbortError'
          ? createWindowError('record-aborted', {}, 'AbortError')
          : createWindowError(
              error === 'pending' ? 'record-pending' : 'record-failed',
              {},
              'TypeError',
            ),
      );
  // Do not report an unhandled rejection for records nobody reads.
  responseReady.catch(() => undefined);
  return {request: deserializeRequest(serialized.request), responseReady};
}

/**
 * A background fetch job seen from a page, whichever backend runs it. Its
 * fields are live: `progress` fires as bytes arrive (at most ~10 times a
 * second for fallback jobs) and once more when the job ends, after the
 * service worker has stored its records — so `result === 'success'` means
 * the files are in the cache.
 *
 * Fallback jobs also have `pause()` and `resume()`, an extension to the spec.
 */
export class WindowRegistration extends SnapshotRegistration {
  /**
   * The browser's answer to `navigator.storage.persist()` when `fetch()` was
   * called with `persist: true`: `true` when the origin's storage is
   * persistent (kept under storage pressure), `false` when refused,
   * unsupported or unanswered within 10 s. `undefined` when not asked, and
   * on registrations from `get()`.
   */
  persisted: boolean | undefined = undefined;
  protected readonly _registration: ServiceWorkerRegistration;
  /** The browser's registration while the browser runs the job natively. */
  private _native?: BackgroundFetchRegistration;
  private readonly _stopListening: () => void;
  private _stopKeepingAwake?: () => void;

  /** @private */
  constructor(
    registration: ServiceWorkerRegistration,
    snapshot: RegistrationSnapshot,
    native?: BackgroundFetchRegistration,
  ) {
    super(snapshot);
    this._registration = registration;
    this._native = native;
    this._stopListening = onJobMessage(snapshot.queue, snapshot.id, (message) => {
      if (this._native && message.snapshot.backend === 'fallback') {
        this._takenOver();
      }
      this.applySnapshot(message.snapshot);
      if (message.type === 'WBF_SETTLED') {
        this._end();
      }
    });
    if (native) {
      // The browser reports native progress to this page directly; the
      // result comes from the worker once it has checked and cached the
      // records.
      native.addEventListener('progress', this._onNativeProgress);
    } else {
      this._stopKeepingAwake = keepWorkerAwake(registration);
    }
  }

  /** Pauses a fallback download (extension); false for native jobs. */
  pause(): Promise<boolean> {
    return this._native ? Promise.resolve(false) : this._ask('WBF_PAUSE');
  }

  /** Resumes a paused fallback download (extension); false for native jobs. */
  resume(): Promise<boolean> {
    return this._native ? Promise.resolve(false) : this._ask('WBF_RESUME');
  }

  abort(): Promise<boolean> {
    return this._native ? this._native.abort() : this._ask('WBF_ABORT');
  }

  async matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    if (this._native) {
      return matchAllNative(this._native, request, options);
    }
    const serialized = await messageWorker<SerializedRecord[]>(this._registration, {
      type: 'WBF_MATCH_ALL',
      queue: this.state.queue,
      id: this.id,
      request:
        request === undefined
          ? undefined
          : await serializeRequest(
              request instanceof Request ? request : new Request(String(request)),
            ),
      options,
    });
    return serialized.map(toRecord);
  }

  private readonly _onNativeProgress = (): void => {
    if (this._native) {
      this.applySnapshot(nativeTotals(this._native));
    }
  };

  private _ask(type: 'WBF_ABORT' | 'WBF_PAUSE' | 'WBF_RESUME'): Promise<boolean> {
    return messageWorker<boolean>(this._registration, {
      type,
      queue: this.state.queue,
      id: this.id,
    });
  }

  /**
   * The worker's fallback took the job over from the browser (a native
   * network failure): follow it through the worker from now on.
   */
  private _takenOver(): void {
    this._native?.removeEventListener('progress', this._onNativeProgress);
    this._native = undefined;
    this._stopKeepingAwake = keepWorkerAwake(this._registration);
  }

  private _end(): void {
    this._stopListening();
    this._stopKeepingAwake?.();
    this._native?.removeEventListener('progress', this._onNativeProgress);
  }
}
