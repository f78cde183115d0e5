import {logger} from '../logger.js';
import {broadcast} from '../broadcast.js';
import {assertNewId} from '../assertNewId.js';
import {startsWithFallback} from '../chooseBackend.js';
import {FallbackBackend} from '../fallback/FallbackBackend.js';
import {readFallbackNotification} from '../fallback/readFallbackNotification.js';
import {EndedRegistration} from '../EndedRegistration.js';
import {createError} from '../models/createError.js';
import {normalizeFetchArguments} from '../normalizeFetchArguments.js';
import {startNative} from '../native/startNative.js';
import {addQueue, hasQueue} from '../queueRegistry.js';
import {listenForPageMessages} from '../listenForPageMessages.js';
import {dispatchBackgroundFetchEvent} from './BackgroundFetchEvent.js';
import {handOverOnUpdate} from '../handOverOnUpdate.js';
import {toPolyfillRegistration} from './PolyfillRegistration.js';
import type {BackgroundFetchBackend, JobSettlement} from '../BackgroundFetchBackend.js';
import type {NormalizedFetchArguments} from '../normalizeFetchArguments.js';
import type {RegisteredQueue} from '../queueRegistry.js';
import type {SnapshotRegistration} from '../SnapshotRegistration.js';
import type {PolyfillDriver, PolyfillJob} from './PolyfillManager.js';
import {POLYFILL_QUEUE} from '../../protocol.js';
import type {QueueInfo} from '../../protocol.js';
import type {BackgroundFetchManager, BackgroundFetchOptions} from '../../types.js';

declare const self: ServiceWorkerGlobalScope;

/**
 * The jobs of the worker's polyfilled `registration.backgroundFetch`, on the
 * library's one engine: native where the browser allows it (Chromium, from a
 * page: the browser then fires the real events), else the chunked fallback,
 * whose ends become `backgroundfetch*` events on the worker's global.
 * Unlike a `BackgroundFetchQueue` it caches nothing: as natively, the app
 * copies records in its handlers, and they stay readable until the event's
 * `waitUntil()` promises settle.
 *
 * Registered as an unlisted queue, so pages reach it with the page protocol.
 *
 * @private
 */
export class WorkerJobs implements RegisteredQueue {
  readonly name = POLYFILL_QUEUE;
  private readonly _native?: BackgroundFetchManager;
  private readonly _fallback: BackgroundFetchBackend;
  /** Jobs that ended and whose event runs: their records are still readable. */
  private readonly _settling = new Map<string, SnapshotRegistration>();

  /** @param native The browser's manager, where native Background Fetch works. */
  constructor(native: BackgroundFetchManager | undefined) {
    this._native = native;
    this._fallback = new FallbackBackend({
      queueName: POLYFILL_QUEUE,
      onSettled: (settlement) => this._onSettled(settlement),
    });
    if (!hasQueue(POLYFILL_QUEUE)) {
      addQueue(this, false);
    }
    listenForPageMessages();
    handOverOnUpdate(() => this._fallback.handOver?.());
    // Resume fallback jobs left unfinished on every event that wakes the worker.
    for (const type of ['activate', 'fetch', 'sync', 'periodicsync', 'push', 'notificationclick']) {
      self.addEventListener(type, (event) => this._keepAlive(event as ExtendableEvent));
    }
    self.addEventListener('notificationclick', (event) => {
      const job = readFallbackNotification(POLYFILL_QUEUE, event.notification);
      if (job) {
        event.notification.close();
        event.waitUntil(this._onClick(job.id, job.snapshot));
      }
    });
  }

  /** What `self.registration.backgroundFetch` runs on. */
  driver(): PolyfillDriver {
    return {
      replaced: this._native,
      fetch: (args) => this._fetchJob(args),
      get: (id) => this._getJob(id),
      getIds: () => this.getIds(),
    };
  }

  // self.registration.backgroundFetch ------------------------------------------

  private async _fetchJob(args: NormalizedFetchArguments): Promise<PolyfillJob> {
    await this._checkNewJob(args);
    const {id, requests, options} = args;
    if (this._native) {
      try {
        // Chromium: native from the worker where allowed, else through an open page.
        return {native: true, registration: await startNative(this._native, id, requests, options)};
      } catch (error) {
        if (!startsWithFallback(error)) {
          throw error;
        }
        if (process.env.NODE_ENV !== 'production') {
          logger.log(`Native background fetch refused for '${id}'; using the chunked fallback.`);
        }
      }
    }
    return {registration: await this._fallback.fetch(id, requests, options)};
  }

  private async _getJob(id: string): Promise<PolyfillJob | undefined> {
    const native = await this._native?.get(id);
    if (native) {
      return {native: true, registration: native};
    }
    const registration = await this._fallback.get(id);
    return registration && {registration};
  }

  async getIds(): Promise<string[]> {
    const [native, fallback] = await Promise.all([
      this._native?.getIds() ?? [],
      this._fallback.getIds(),
    ]);
    return [...native, ...fallback];
  }

  // RegisteredQueue: what pages ask for --------------------------------------

  /** The fallback's active job `id` (pages see only those). */
  get(id: string): Promise<SnapshotRegistration | undefined> {
    return this._fallback.get(id);
  }

  /** @internal */
  _info(): QueueInfo {
    return {name: this.name, forceFallback: true};
  }

  /** @internal */
  _keepAlive(event: ExtendableEvent): void {
    this._fallback.keepAlive?.(event);
  }

  /** @internal */
  async _fetchWithFallback(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<SnapshotRegistration> {
    const args = normalizeFetchArguments(id, requests, options);
    await this._checkNewJob(args);
    return this._fallback.fetch(args.id, args.requests, args.options);
  }

  /** @internal */
  async _setPaused(id: string, paused: boolean): Promise<boolean> {
    return (await (paused ? this._fallback.pause?.(id) : this._fallback.resume?.(id))) ?? false;
  }

  /** Ends every fallback job without events and deletes them (the worker was unregistered). @private @internal */
  async _discardAll(): Promise<void> {
    await this._fallback.discardAll?.();
  }

  /** @internal */
  async _withRecords(id: string): Promise<SnapshotRegistration | undefined> {
    return (await this._fallback.get(id)) ?? this._settling.get(id);
  }

  // Inside --------------------------------------------------------------------

  private async _checkNewJob({id}: NormalizedFetchArguments): Promise<void> {
    if (!self.registration.active) {
      throw createError('no-active-worker', {}, 'TypeError');
    }
    assertNewId(id, await this._getJob(id));
  }

  private async _onSettled({type, registration, updateUI}: JobSettlement): Promise<void> {
    // The page views learn the result (with one last progress) before the event.
    broadcast({type: 'WBF_PROGRESS', snapshot: registration.snapshot()});
    this._settling.set(registration.id, registration);
    try {
      await dispatchBackgroundFetchEvent(type, toPolyfillRegistration(registration), updateUI);
    } finally {
      this._settling.delete(registration.id);
      broadcast({
        type: 'WBF_SETTLED',
        event: type === 'click' ? 'success' : type,
        snapshot: {...registration.snapshot(), recordsAvailable: false},
      });
    }
  }

  private async _onClick(
    id: string,
    snapshot: ReturnType<SnapshotRegistration['snapshot']>,
  ): Promise<void> {
    const registration =
      (await this._fallback.get(id)) ??
      new EndedRegistration({...snapshot, recordsAvailable: false});
    await dispatchBackgroundFetchEvent('click', toPolyfillRegistration(registration));
  }
}
