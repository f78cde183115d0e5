import {logger} from '../logger.js';
import {assertNewId} from '../assertNewId.js';
import {toJobId} from '../jobId.js';
import {createError} from '../models/createError.js';
import {serializeRequest} from '../serialization.js';
import {resolveChunkStorage} from './chunkStores.js';
import {resolveFallbackOptions} from './fallbackOptions.js';
import {FallbackJob} from './FallbackJob.js';
import {deleteJob, onJobsDeleted, saveJob, withinStorageWait} from './jobStore.js';
import {purgeJobsOfUnregisteredWorker} from './purgeUnregistered.js';
import {registrationScope} from './registrationScope.js';
import {newStoredFile} from './StoredJob.js';
import {declareQueueForSweep, loadJobsAfterSweep} from './sweepOrphans.js';
import {hasRoomFor, storageRefusal} from './quota.js';
import {delay, within} from './wait.js';
import type {BackendContext, BackgroundFetchBackend} from '../BackgroundFetchBackend.js';
import type {BackgroundFetchOptions} from '../../types.js';
import type {ChunkStorageOption} from './chunkStores.js';
import type {FallbackRegistration} from './FallbackRegistration.js';
import type {FallbackSettings} from './FallbackSettings.js';
import type {JobHost} from './JobHost.js';
import type {StoredJob} from './StoredJob.js';

/**
 * How long `keepAlive()` holds an event before it looks for downloads: a
 * job that the same event starts (a page's message) is then included.
 */
const KEEP_ALIVE_GRACE_MS = 1000;

/**
 * The longest an `activate` event waits for the stored jobs to load. Seen
 * on WebKitGTK: a worker terminated in the middle of an IndexedDB write
 * leaves that transaction open for good, and every later transaction on
 * the store waits behind it until the browser restarts (the upstream WPT
 * suite, run whole, hung there). Without a bound the new worker would stay
 * "activating", and its pages' requests held, for as long.
 */
export const ACTIVATE_WAIT_MS = 10_000;

/**
 * Tuning of the chunked fallback download (`BackgroundFetchQueue`'s
 * `fallback` option). Every field is optional.
 *
 * @example
 * new BackgroundFetchQueue('films', {
 *   fallback: {chunkSize: 16 * 1024 * 1024, maxAttempts: 8, notifications: false},
 * });
 */
export interface FallbackBackendOptions {
  /**
   * The most a killed worker may lose, in bytes (default 64 MiB): the
   * requests in flight share it, each asking for at most
   * `chunkSize / maxInFlight`. Within that, requests are sized to last about
   * a second at the measured throughput (from 256 KiB), so progress moves
   * on slow links and fast ones make few requests.
   */
  chunkSize?: number;
  /** Requests in flight per job (default 2). */
  maxInFlight?: number;
  /**
   * Attempts of a request before its file fails with `fetch-error`
   * (network errors) or keeps its last 5xx, 408 or 429 (`bad-status`), first one
   * included (default 5). Progress resets the count; offline time does not
   * count, and the requests in flight that one outage (a network error, a
   * stall, a chunk store that did not answer) cuts together count once.
   */
  maxAttempts?: number;
  /**
   * Backoff between attempts: `initialDelay` ms (default 1000) doubling up to
   * `maxDelay` ms (default 30000), each with random jitter of up to half.
   * A 5xx, 408 or 429 with a longer `Retry-After` waits that long, up to
   * `maxDelay`.
   */
  backoff?: {initialDelay?: number; maxDelay?: number};
  /**
   * A request that receives nothing for this many ms is cut and retried as
   * a network error (default 30000): browsers do not time out a connection
   * that stalls. A body read in one piece may take this plus its length at
   * 64 KiB/s.
   */
  stallTimeout?: number;
  /**
   * One notification per job with its title and percentage, where
   * notification permission is granted (default true). Without permission
   * downloads run silently either way.
   */
  notifications?: boolean;
  /**
   * Where unfinished downloads keep their bytes: `'indexeddb'`,
   * `'cache-storage'`, or `'auto'` (default: Cache Storage in Chromium,
   * IndexedDB elsewhere, as measured fastest and safe per engine).
   */
  chunkStorage?: ChunkStorageOption;
  /**
   * How long, in ms, the stored jobs of a queue that this service worker no
   * longer creates are kept (default 7 days) before a worker start deletes
   * them with their bytes, without events: a later version may bring the
   * queue back. With several queues, the longest grace applies.
   */
  orphanGrace?: number;
}

function newUid(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The chunked fallback behind the backend seam: Background Fetch built
 * from HTTP Range requests, IndexedDB and Cache Storage, for browsers
 * without it (Firefox, Safari) and where it is refused (Chrome inside a
 * worker with no page open). Jobs survive worker and browser restarts: they
 * resume from their last stored chunk whenever the worker wakes
 * (`keepAlive()`).
 *
 * Beyond the seam it offers `pause(id)` and `resume(id)`, an extension of
 * the spec (see `FallbackRegistration`).
 *
 * @example
 * const backend = new FallbackBackend(
 *   {queueName: 'films', onSettled: async ({type, registration}) => {}},
 *   {chunkSize: 8 * 1024 * 1024},
 * );
 * self.addEventListener('fetch', (event) => backend.keepAlive(event));
 * const registration = await backend.fetch('film', [new Request('/film.mp4')], {});
 *
 * @private
 */
export class FallbackBackend implements BackgroundFetchBackend {
  readonly kind = 'fallback';
  private readonly _context: BackendContext;
  private readonly _settings: FallbackSettings;
  private readonly _chunkStorage: ChunkStorageOption;
  private readonly _jobs = new Set<FallbackJob>();
  private readonly _creating = new Set<string>();
  private readonly _busy = new Set<Promise<unknown>>();
  private _loaded: Promise<void> | null = null;
  /** A newer worker took the stored jobs over (`handOver()`): none starts here. */
  private _handedOver = false;

  /**
   * @param context The queue: its name namespaces job ids, `onSettled`
   *     receives every job that ends.
   * @param options See `FallbackBackendOptions`.
   */
  constructor(context: BackendContext, options?: FallbackBackendOptions) {
    const {chunkStorage, orphanGrace, ...settings} = resolveFallbackOptions(options);
    this._context = context;
    this._settings = settings;
    this._chunkStorage = chunkStorage;
    declareQueueForSweep(context.queueName, orphanGrace);
    purgeJobsOfUnregisteredWorker();
    onJobsDeleted(() => {
      for (const job of this._jobs) job.saveAgain();
    });
  }

  /**
   * Starts a job, as `BackgroundFetchManager.fetch()`. Rejects with a
   * `TypeError` when `id` is active in this queue, with a
   * `QuotaExceededError` when a non-zero `downloadTotal` does not fit in
   * the storage left, with a `TimeoutError` when IndexedDB does not answer
   * within `STORAGE_WAIT_MS` (as every call here).
   */
  fetch(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<FallbackRegistration> {
    const created = this._create(id, requests, options);
    this._track(created);
    return created;
  }

  /** The registration of active job `id`, or `undefined`. */
  async get(id: string): Promise<FallbackRegistration | undefined> {
    await this._ready();
    return this._active(id)?.registration;
  }

  /** The ids of this queue's active fallback jobs (paused ones included). */
  async getIds(): Promise<string[]> {
    await this._ready();
    return [...this._jobs].filter((job) => job.active).map((job) => job.record.id);
  }

  /** The records of this queue's active jobs (playback while downloading reads them). */
  async activeRecords(): Promise<StoredJob[]> {
    await this._ready();
    return [...this._jobs].filter((job) => job.active).map((job) => job.record);
  }

  /** Extension: pauses active job `id`; `false` when there is none to pause. */
  async pause(id: string): Promise<boolean> {
    await this._ready();
    return (await this._active(id)?.pause()) ?? false;
  }

  /** Extension: resumes paused job `id`; `false` when it is not paused. */
  async resume(id: string): Promise<boolean> {
    await this._ready();
    return (await this._active(id)?.resume()) ?? false;
  }

  /**
   * Ends every active job of this queue without events and deletes its
   * chunks and record, once its requests stopped (the worker was
   * unregistered). Resolves when all are deleted.
   */
  async discardAll(): Promise<void> {
    await this._ready();
    await Promise.all([...this._jobs].map((job) => job.discard()));
  }

  /**
   * Call for every event that wakes the worker. The first call resumes the
   * jobs a stopped worker or browser left unfinished; every call keeps
   * `event` alive (`waitUntil`) until no download or settlement is left,
   * after a short grace period for jobs the event itself starts.
   *
   * Except `activate`: it only waits for the stored jobs to be loaded and
   * resumed. A worker stays "activating" while its activate event is
   * extended, and the browser holds every fetch event of its pages until it
   * is activated: held for a whole download, pages would wait for it (and a
   * new registration on Firefox waited ~9 s per unreachable job).
   */
  keepAlive(event: ExtendableEvent): void {
    event.waitUntil(event.type === 'activate' ? this._loadWithin() : this._whenIdle());
  }

  /** `_load()`, or after `ACTIVATE_WAIT_MS` (the jobs resume when it ends). */
  private async _loadWithin(): Promise<void> {
    await within(this._load(), ACTIVATE_WAIT_MS, () => {
      if (process.env.NODE_ENV !== 'production') {
        logger.warn(
          `The stored background fetches did not load within ${ACTIVATE_WAIT_MS / 1000} s ` +
            `(IndexedDB did not answer): the worker activates without waiting for them; ` +
            `they resume once IndexedDB answers. If it never does, restart the browser.`,
        );
      }
    });
  }

  /** `_load()`, or a `storage-timeout` rejection after `STORAGE_WAIT_MS`. */
  private _ready(): Promise<void> {
    return withinStorageWait(this._load());
  }

  /**
   * A newer worker version is about to activate: every active job stops
   * its requests without an event or a state change (as if this worker were
   * killed) and is forgotten, so this worker goes idle and the new one
   * resumes the jobs from their stored state. This worker does not load
   * them again (it would run them beside the new one); should the new
   * version fail to install, the next start of a worker resumes them.
   */
  handOver(): void {
    this._handedOver = true;
    this._loaded ??= Promise.resolve();
    for (const job of this._jobs) {
      if (job.active && job.suspend()) {
        this._jobs.delete(job);
      }
    }
  }

  private async _whenIdle(): Promise<void> {
    await this._load();
    await delay(KEEP_ALIVE_GRACE_MS);
    while (this._busy.size > 0) {
      await Promise.allSettled([...this._busy]);
    }
  }

  private _track(work: Promise<unknown>): void {
    this._busy.add(work);
    const done = (): void => void this._busy.delete(work);
    work.then(done, done);
  }

  private _active(id: string): FallbackJob | undefined {
    return [...this._jobs].find((job) => job.active && job.record.id === id);
  }

  /** Loads this queue's stored jobs once per worker and gets them going. */
  private _load(): Promise<void> {
    this._loaded ??= loadJobsAfterSweep().then(
      (records) => {
        for (const record of records) {
          if (record.queue === this._context.queueName && !this._handedOver) {
            this._startJob(record, true);
          }
        }
      },
      (error: unknown) => {
        if (process.env.NODE_ENV !== 'production') {
          logger.error(`Could not read the stored background fetches:`, error);
        }
      },
    );
    return this._loaded;
  }

  private _startJob(record: StoredJob, resumed: boolean): FallbackJob {
    const host: JobHost = {
      context: this._context,
      settings: this._settings,
      track: (work) => this._track(work),
      forget: (job) => this._jobs.delete(job),
    };
    const job = new FallbackJob(record, host, resumed);
    this._jobs.add(job);
    job.start();
    return job;
  }

  private async _create(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<FallbackRegistration> {
    await this._ready();
    assertNewId(id, this._active(id) || this._creating.has(id));
    this._creating.add(id);
    try {
      const downloadTotal = options.downloadTotal ?? 0;
      if (downloadTotal > 0 && !(await hasRoomFor(downloadTotal))) {
        throw createError('quota-exceeded', {id, downloadTotal}, 'QuotaExceededError');
      }
      const record: StoredJob = {
        uid: newUid(),
        jobId: toJobId(this._context.queueName, id),
        queue: this._context.queueName,
        id,
        state: 'queued',
        failureReason: '',
        // Only what structured cloning and the spec know.
        options: {title: options.title, icons: options.icons, downloadTotal},
        storage: resolveChunkStorage(this._chunkStorage),
        files: (await Promise.all(requests.map(serializeRequest))).map(newStoredFile),
        settled: false,
        scope: registrationScope(),
      };
      await saveJob(record).catch(async (error: unknown) => {
        // Queued behind the write: should it commit late, the job goes.
        deleteJob(record.uid).catch(() => undefined);
        throw (await storageRefusal(error)) === 'miscounted'
          ? createError('storage-miscounted', {id}, 'QuotaExceededError')
          : error;
      });
      return this._startJob(record, false).registration;
    } finally {
      this._creating.delete(id);
    }
  }
}
