import {logger} from './lib/logger.js';
import type {Router} from 'workbox-routing/Router.js';
import {NativeBackend} from './lib/native/NativeBackend.js';
import {FallbackBackend} from './lib/fallback/FallbackBackend.js';
import {EarlyRecords} from './lib/fallback/EarlyRecords.js';
import type {RecordStreamSource} from './lib/fallback/RecordStream.js';
import {readFallbackNotification} from './lib/fallback/readFallbackNotification.js';
import type {FallbackNotificationJob} from './lib/fallback/readFallbackNotification.js';
import {EndedRegistration} from './lib/EndedRegistration.js';
import type {FallbackBackendOptions} from './lib/fallback/FallbackBackend.js';
import {addQueue, hasQueue} from './lib/queueRegistry.js';
import {nativeManagerOf} from './lib/polyfill/nativeManager.js';
import {handOverOnUpdate} from './lib/handOverOnUpdate.js';
import {listenForPageMessages} from './lib/listenForPageMessages.js';
import {broadcast} from './lib/broadcast.js';
import {cacheRecords, startRecordWrite} from './lib/cacheRecords.js';
import {storageRefusal} from './lib/fallback/quota.js';
import type {CachedRecord, RecordDestinationOptions} from './lib/cacheRecords.js';
import {DownloadLibrary} from './DownloadLibrary.js';
import type {StoredJob} from './lib/fallback/StoredJob.js';
import {createError} from './lib/models/createError.js';
import {assertNewId} from './lib/assertNewId.js';
import {normalizeFetchArguments} from './lib/normalizeFetchArguments.js';
import type {NormalizedFetchArguments} from './lib/normalizeFetchArguments.js';
import {validateQueueOptions} from './lib/validateQueueOptions.js';
import {usesNative} from './lib/chooseBackend.js';
import {startOnBackends} from './lib/startOnBackends.js';
import {failOverToFallback} from './lib/failOverToFallback.js';
import {markSettling} from './lib/settlingJobs.js';
import {observeFetchAnswers} from './lib/dev/observeFetchAnswers.js';
import type {BackgroundFetchBackend, JobSettlement} from './lib/BackgroundFetchBackend.js';
import type {SnapshotRegistration} from './lib/SnapshotRegistration.js';
import type {QueueInfo} from './protocol.js';
import type {BackgroundFetchOptions, BackgroundFetchUIOptions} from './types.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * What a queue's `onSuccess`, `onFail`, `onAbort` and `onClick` callbacks
 * receive.
 */
export interface BackgroundFetchQueueEvent {
  /** The job, with the id the caller gave it. */
  registration: SnapshotRegistration;
  /**
   * Updates the download's UI: the browser's for native jobs, the job's
   * notification for fallback jobs. Success and fail only; once, while the
   * callback runs (else `InvalidStateError`), as the spec says.
   */
  updateUI(options?: BackgroundFetchUIOptions): Promise<void>;
  /** The event that keeps the worker alive while the callback runs. */
  event: ExtendableEvent;
}

/** A queue callback. */
export type BackgroundFetchQueueCallback = (
  event: BackgroundFetchQueueEvent,
) => void | Promise<void>;

/** Options of a `BackgroundFetchQueue`. */
export interface BackgroundFetchQueueOptions {
  /**
   * Where finished records go. When absent: the cache of the workbox-routing
   * route whose strategy serves the record's URL (written through that
   * strategy's plugins), else `workbox-background-fetch-<name>`.
   */
  cacheName?: string;
  /** The router whose routes decide where records go (default: the one `registerRoute()` uses). */
  router?: Router;
  /** Never use native Background Fetch: always the chunked fallback. */
  forceFallback?: boolean;
  /**
   * A native job that fails with a network error (a dropped or refused
   * connection: Chromium's incognito windows fail at once), or whose
   * success cannot be shown whole, goes on with the chunked fallback under
   * the same id: `backend` becomes `'fallback'`, progress goes on, one end
   * event. Default true; `false` keeps native semantics (`fetch-error`).
   */
  nativeFailover?: boolean;
  /** Tuning of the chunked fallback download. */
  fallback?: FallbackBackendOptions;
  /**
   * Keep finished downloads in `queue.library` (default `true`); `false`
   * writes no entries.
   */
  library?: boolean;
  /** After a job succeeded and its records were cached. */
  onSuccess?: BackgroundFetchQueueCallback;
  /** After a job failed (`registration.failureReason` says why). */
  onFail?: BackgroundFetchQueueCallback;
  /** After a job was aborted. */
  onAbort?: BackgroundFetchQueueCallback;
  /** When the user clicked the download's UI (native UI or fallback notification). */
  onClick?: BackgroundFetchQueueCallback;
}

/**
 * A `BackgroundFetchManager` scoped to a name: `fetch()`, `get()` and
 * `getIds()` see only this queue's jobs. Jobs run natively where the browser
 * allows it (Chrome: started through an open page) and as a resumable
 * chunked download everywhere else. Finished records land in Workbox caches
 * before `onSuccess` runs.
 *
 * Create queues at the top level of the service worker: the constructor
 * registers the worker's event listeners.
 *
 * ```js
 * import {BackgroundFetchQueue} from 'workbox-background-fetch';
 *
 * const episodes = new BackgroundFetchQueue('episodes', {
 *   onSuccess: async ({registration, updateUI}) => {
 *     await updateUI({title: `${registration.id} is ready to play`});
 *   },
 * });
 * ```
 */
export class BackgroundFetchQueue {
  /** The queue's name, unique in the worker. */
  readonly name: string;
  /** This queue's finished downloads: `list()`, `get(id)`, `remove(id)`. */
  readonly library: DownloadLibrary;
  private readonly _options: BackgroundFetchQueueOptions;
  /** The fallback: takes over failed native jobs, runs `_fetchWithFallback()`. */
  private readonly _fallback: BackgroundFetchBackend;
  /** Every backend, in the order a job start tries them (native first). */
  private readonly _backends: readonly [BackgroundFetchBackend, ...BackgroundFetchBackend[]];

  /**
   * @param name Unique in this service worker.
   * @param options See `BackgroundFetchQueueOptions`.
   */
  constructor(name: string, options: BackgroundFetchQueueOptions = {}) {
    if (process.env.NODE_ENV !== 'production') {
      validateQueueOptions(name, options);
      observeFetchAnswers();
    }
    if (typeof name !== 'string' || name === '') {
      throw createError('invalid-queue-name', {name}, 'TypeError');
    }
    if (hasQueue(name)) {
      throw createError('duplicate-queue-name', {name});
    }
    this.name = name;
    this._options = options;
    this.library = new DownloadLibrary(name, options.library !== false);
    const context = {
      queueName: name,
      onSettled: (settlement: JobSettlement) => this._onSettled(settlement),
      earlyWrites: (source: RecordStreamSource, registration: SnapshotRegistration) =>
        new EarlyRecords(source, registration, (request, response, event) =>
          startRecordWrite(request, response, event, this._destination()),
        ),
      failover:
        options.nativeFailover === false
          ? undefined
          : (
              id: string,
              requests: Request[],
              fetchOptions: BackgroundFetchOptions,
              event: ExtendableEvent,
            ) => failOverToFallback(this._fallback, id, requests, fetchOptions, event),
    };
    // The browser's own manager, never the polyfill's (both may run).
    const manager = nativeManagerOf(self.registration);
    this._fallback = new FallbackBackend(context, options.fallback);
    this._backends = usesNative(manager, options.forceFallback)
      ? [new NativeBackend(context, manager), this._fallback]
      : [this._fallback];
    addQueue(this);
    listenForPageMessages();
    // A new worker version that calls skipWaiting() takes the downloads over.
    handOverOnUpdate(() => this._fallback.handOver?.());
    // Resume fallback jobs left unfinished by a stopped worker or browser
    // on every event that wakes the worker.
    for (const type of ['activate', 'fetch', 'sync', 'periodicsync', 'push', 'notificationclick']) {
      self.addEventListener(type, (event) => this._keepAlive(event as ExtendableEvent));
    }
    // A click on a fallback job's notification is this queue's onClick.
    self.addEventListener('notificationclick', (event) => {
      const job = readFallbackNotification(name, event.notification);
      if (job) {
        event.waitUntil(this._onFallbackNotificationClick(job, event));
      }
    });
  }

  /**
   * Starts a background fetch, as `BackgroundFetchManager.fetch()` does:
   * natively where allowed, else with the chunked fallback.
   *
   * @param id Unique among this queue's active jobs.
   * @param requests One or more requests (URLs or `Request`s, not `no-cors`).
   * @param options `{title, icons, downloadTotal}`.
   * @return The job's registration.
   */
  async fetch(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options: BackgroundFetchOptions = {},
  ): Promise<SnapshotRegistration> {
    const args = await this._checkNewJob(id, requests, options);
    return this.library._starting(args.id, args.options, () => this._start(args));
  }

  private _start(args: NormalizedFetchArguments): Promise<SnapshotRegistration> {
    return startOnBackends(this._backends, args.id, args.requests, args.options, (error) => {
      if (process.env.NODE_ENV !== 'production') {
        logger.log(
          `Native background fetch is not allowed for '${args.id}' ` +
            `(${error.message}); using the chunked fallback.`,
        );
      }
    });
  }

  /**
   * The active job of that id, or `undefined` once it ended.
   *
   * @param id The id given to `fetch()`.
   */
  async get(id: string): Promise<SnapshotRegistration | undefined> {
    for (const backend of this._backends) {
      const registration = await backend.get(id);
      if (registration) {
        return registration;
      }
    }
    return undefined;
  }

  /** The ids of this queue's active jobs. */
  async getIds(): Promise<string[]> {
    const ids = await Promise.all(this._backends.map((backend) => backend.getIds()));
    return ids.flat();
  }

  /**
   * Starts a job with the chunked fallback, whatever the browser supports
   * (the page manager asks for this when native is absent or refused).
   *
   * @private
   * @internal
   */
  async _fetchWithFallback(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<SnapshotRegistration> {
    const args = await this._checkNewJob(id, requests, options);
    return this.library._starting(args.id, args.options, () =>
      this._fallback.fetch(args.id, args.requests, args.options),
    );
  }

  /**
   * The stored state of this queue's active fallback jobs, whose bytes
   * `BackgroundFetchPlugin` serves while they download.
   * @private
   * @internal
   */
  async _activeFallbackJobs(): Promise<StoredJob[]> {
    const records = await Promise.all(
      this._backends.map((backend) => backend.activeRecords?.() ?? []),
    );
    return records.flat();
  }

  /** The checked arguments of a job that is not active yet, else a TypeError. */
  private async _checkNewJob(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options: BackgroundFetchOptions,
  ): Promise<NormalizedFetchArguments> {
    const args = normalizeFetchArguments(id, requests, options);
    assertNewId(args.id, await this.get(args.id));
    return args;
  }

  /** Pauses or resumes a fallback job (an extension). @private @internal */
  async _setPaused(id: string, paused: boolean): Promise<boolean> {
    for (const backend of this._backends) {
      if (await (paused ? backend.pause?.(id) : backend.resume?.(id))) {
        return true;
      }
    }
    return false;
  }

  /** Ends every fallback job without events and deletes them (the worker was unregistered). @private @internal */
  async _discardAll(): Promise<void> {
    await Promise.all(this._backends.map((backend) => backend.discardAll?.()));
  }

  /** What a page needs to know of this queue. @private @internal */
  _info(): QueueInfo {
    return {name: this.name, forceFallback: Boolean(this._options.forceFallback)};
  }

  /**
   * Resumes unfinished fallback jobs and keeps `event` alive until they end.
   * @private
   * @internal
   */
  _keepAlive(event: ExtendableEvent): void {
    for (const backend of this._backends) {
      backend.keepAlive?.(event);
    }
  }

  private async _onFallbackNotificationClick(
    job: FallbackNotificationJob,
    event: NotificationEvent,
  ): Promise<void> {
    event.notification.close();
    const registration =
      (await this.get(job.id)) ?? new EndedRegistration({...job.snapshot, recordsAvailable: false});
    await this._onSettled({type: 'click', registration, event});
  }

  /** Where this queue's records go (`resolveRecordDestination`). */
  private _destination(): RecordDestinationOptions {
    return {
      cacheName: this._options.cacheName,
      defaultCacheName: `workbox-background-fetch-${this.name}`,
      router: this._options.router,
    };
  }

  private async _onSettled(settlement: JobSettlement): Promise<void> {
    const {registration, event} = settlement;
    let {type} = settlement;
    const settled = type === 'click' ? undefined : markSettling(this.name, registration);
    let cached: CachedRecord[] = [];
    if (type === 'success') {
      try {
        cached = await cacheRecords(() => registration.matchAll(), {
          ...this._destination(),
          event,
          early: settlement.early,
        });
      } catch (error) {
        const quota = await storageRefusal(error);
        if (quota === 'miscounted' && settlement.keep) {
          if (process.env.NODE_ENV !== 'production') {
            logger.warn(
              `Background fetch '${registration.id}' finished, but the browser refuses every ` +
                'write of this origin, as its count of the storage used is impossible (Firefox, ' +
                'after it was killed): the job is kept, and ends after the browser restarts.',
            );
          }
          settled?.();
          settlement.keep();
          return;
        }
        if (process.env.NODE_ENV !== 'production') {
          logger.error(
            `Background fetch '${registration.id}' finished, but its records ` +
              `could not be cached:`,
            error,
          );
        }
        registration._replaceResult('failure', quota ? 'quota-exceeded' : 'fetch-error');
        type = 'fail';
      }
    }
    if (type === 'success') {
      await this.library._add(registration.id, cached);
    } else if (type !== 'click') {
      await this.library._forget(registration.id);
    }
    const callback = {
      success: this._options.onSuccess,
      fail: this._options.onFail,
      abort: this._options.onAbort,
      click: this._options.onClick,
    }[type];
    try {
      await callback?.({
        registration,
        event,
        updateUI: async (options) => {
          if (!settlement.updateUI) {
            throw createError('update-ui-not-allowed', {}, 'InvalidStateError');
          }
          return settlement.updateUI(options);
        },
      });
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`The queue '${this.name}' ${type} callback threw:`, error);
      }
    } finally {
      settled?.();
      if (type !== 'click') {
        broadcast({type: 'WBF_SETTLED', event: type, snapshot: registration.snapshot()});
      }
    }
  }
}
