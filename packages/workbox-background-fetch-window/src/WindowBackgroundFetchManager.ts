import {
  assertNewId,
  nativeManagerOf,
  nativeTotals,
  normalizeFetchArguments,
  serializeRequest,
  startsWithFallback,
  toJobId,
  usesNative,
} from 'workbox-background-fetch/internal';
import type {QueueInfo, RegistrationSnapshot} from 'workbox-background-fetch/internal';
import type {
  BackgroundFetchManager,
  BackgroundFetchOptions,
  BackgroundFetchRegistration,
} from 'workbox-background-fetch/types';
import {messageWorker} from './messageWorker.js';
import {requestPersistence} from './requestPersistence.js';
import {WindowDownloadLibrary} from './WindowDownloadLibrary.js';
import {WindowRegistration} from './WindowRegistration.js';

/** `manager.fetch()`'s options: the spec's, plus `persist`. */
export interface WindowBackgroundFetchOptions extends BackgroundFetchOptions {
  /**
   * Ask the browser to keep the origin's storage under pressure
   * (`navigator.storage.persist()`) before the download starts; the answer
   * is `registration.persisted`. Only pages can ask, so ask here.
   */
  persist?: boolean;
}

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
  /**
   * The queue's finished downloads: `list()`, `get(id)`, `remove(id)`, and
   * a `change` event when an entry is added or removed anywhere.
   */
  readonly library: WindowDownloadLibrary;
  private readonly _registration: ServiceWorkerRegistration;
  private readonly _forceFallback: boolean;

  /** @private Use `backgroundFetchManager()`. */
  constructor(registration: ServiceWorkerRegistration, queue: QueueInfo) {
    this._registration = registration;
    this.queue = queue.name;
    this._forceFallback = queue.forceFallback;
    this.library = new WindowDownloadLibrary(registration, queue.name);
  }

  /** Whether jobs start natively here (else the worker's fallback runs them). */
  get native(): boolean {
    return usesNative(nativeManagerOf(this._registration), this._forceFallback);
  }

  /**
   * Starts a background fetch, as the native `fetch()` does.
   *
   * @param id Unique among the queue's active jobs; not empty.
   * @param requests URLs or `Request`s (not `no-cors`), at least one.
   * @param options `{title, icons, downloadTotal}`, and `persist: true` to
   *     ask for persistent storage first (see `registration.persisted`).
   */
  async fetch(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options: WindowBackgroundFetchOptions = {},
  ): Promise<WindowRegistration> {
    const {persist, ...fetchOptions} = options ?? {};
    const args = normalizeFetchArguments(id, requests, fetchOptions);
    assertNewId(args.id, await this.get(args.id));
    const persisted = persist ? await requestPersistence() : undefined;
    const registration = await this._start(args.id, args.requests, args.options);
    registration.persisted = persisted;
    return registration;
  }

  private async _start(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<WindowRegistration> {
    const args = {id, requests, options};
    const manager = nativeManagerOf(this._registration);
    if (usesNative(manager, this._forceFallback)) {
      // The worker never sees a native job's title and icons: tell it, for
      // the download library.
      await messageWorker(this._registration, {
        type: 'WBF_LIBRARY_PREPARE',
        queue: this.queue,
        id: args.id,
        options: {title: args.options.title, icons: args.options.icons},
      });
      try {
        const native = await manager.fetch(
          toJobId(this.queue, args.id),
          args.requests,
          args.options,
        );
        return this._wrapNative(args.id, native);
      } catch (error) {
        // Another fetch() of this id won the race between our duplicate
        // check and the browser's: its job is running, so its library
        // entry stays, and the error is the one every engine gives.
        if (
          (error as Error)?.name === 'TypeError' &&
          (await manager.get(toJobId(this.queue, id)))
        ) {
          assertNewId(id, true);
        }
        // WebKit with its Background Fetch flag on: present, yet refused.
        if (!startsWithFallback(error)) {
          await messageWorker(this._registration, {
            type: 'WBF_LIBRARY_FORGET',
            queue: this.queue,
            id,
          });
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
    if (usesNative(manager, this._forceFallback) && typeof id === 'string' && id !== '') {
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

  private _wrapNative(id: string, native: BackgroundFetchRegistration): WindowRegistration {
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
