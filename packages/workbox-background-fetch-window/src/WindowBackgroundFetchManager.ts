import {
  createError,
  nativeManagerOf,
  nativeTotals,
  normalizeFetchArguments,
  serializeRequest,
  toJobId,
} from 'workbox-background-fetch/protocol';
import type {QueueInfo, RegistrationSnapshot} from 'workbox-background-fetch/protocol';
import type {
  BackgroundFetchManager,
  BackgroundFetchOptions,
  BackgroundFetchRegistration,
} from 'workbox-background-fetch/types';
import {messageWorker} from './messageWorker.js';
import {WindowRegistration} from './WindowRegistration.js';

/**
 * A `BackgroundFetchManager` for pages on every engine, scoped to one
 * `BackgroundFetchQueue` of the service worker. Where the browser allows
 * native Background Fetch (Chrome), jobs are started natively from this
 * page; elsewhere (Firefox, Safari, or native refused) the service worker
 * runs the chunked fallback. Either way the registrations are the same.
 *
 * Get one with `backgroundFetchManager()`.
 */
export class WindowBackgroundFetchManager implements BackgroundFetchManager {
  /** The name of the worker's queue this manager uses. */
  readonly queue: string;
  private readonly _registration: ServiceWorkerRegistration;
  private readonly _forceFallback: boolean;

  /** @private Use `backgroundFetchManager()`. */
  constructor(registration: ServiceWorkerRegistration, queue: QueueInfo) {
    this._registration = registration;
    this.queue = queue.name;
    this._forceFallback = queue.forceFallback;
  }

  /** Whether jobs start natively here (else the worker's fallback runs them). */
  get native(): boolean {
    return Boolean(nativeManagerOf(this._registration)) && !this._forceFallback;
  }

  /**
   * Starts a background fetch, as the native `fetch()` does.
   *
   * @param id Unique among the queue's active jobs; not empty.
   * @param requests URLs or `Request`s (not `no-cors`), at least one.
   * @param options `{title, icons, downloadTotal}`.
   */
  async fetch(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options: BackgroundFetchOptions = {},
  ): Promise<WindowRegistration> {
    const args = normalizeFetchArguments(id, requests, options);
    if (await this.get(args.id)) {
      throw createError('duplicate-id', {id: args.id}, 'TypeError');
    }
    const manager = nativeManagerOf(this._registration);
    if (manager && !this._forceFallback) {
      try {
        const native = await manager.fetch(
          toJobId(this.queue, args.id),
          args.requests,
          args.options,
        );
        return this._wrapNative(args.id, native);
      } catch (error) {
        // WebKit with its Background Fetch flag on: present, yet refused.
        if ((error as Error).name !== 'NotAllowedError') {
          throw error;
        }
      }
    }
    const snapshot = await messageWorker<RegistrationSnapshot>(this._registration, {
      type: 'WBF_FETCH',
      queue: this.queue,
      id: args.id,
      requests: await Promise.all(args.requests.map(serializeRequest)),
      options: args.options,
    });
    return new WindowRegistration(this._registration, snapshot);
  }

  /**
   * The active job of that id, or `undefined` once it ended.
   *
   * @param id The id given to `fetch()`.
   */
  async get(id: string): Promise<WindowRegistration | undefined> {
    const manager = nativeManagerOf(this._registration);
    if (manager && !this._forceFallback && typeof id === 'string' && id !== '') {
      const native = await manager.get(toJobId(this.queue, id));
      if (native) {
        return this._wrapNative(id, native);
      }
    }
    const snapshot = await messageWorker<RegistrationSnapshot | null>(this._registration, {
      type: 'WBF_GET',
      queue: this.queue,
      id,
    });
    return snapshot ? new WindowRegistration(this._registration, snapshot) : undefined;
  }

  /** The ids of the queue's active jobs. */
  getIds(): Promise<string[]> {
    return messageWorker<string[]>(this._registration, {
      type: 'WBF_GET_IDS',
      queue: this.queue,
    });
  }

  private _wrapNative(
    id: string,
    native: BackgroundFetchRegistration,
  ): WindowRegistration {
    return new WindowRegistration(
      this._registration,
      {
        id,
        queue: this.queue,
        backend: 'native',
        ...nativeTotals(native),
        result: '',
        failureReason: '',
        recordsAvailable: native.recordsAvailable,
      },
      native,
    );
  }
}
