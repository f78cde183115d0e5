import type {BackendKind} from '../protocol.js';
import type {BackgroundFetchOptions, BackgroundFetchUIOptions} from '../types.js';
import type {CachedRecord} from './cacheRecords.js';
import type {SnapshotRegistration} from './SnapshotRegistration.js';
import type {StoredJob} from './fallback/StoredJob.js';
import type {RecordStreamSource} from './fallback/RecordStream.js';
import type {ChunkPart} from './fallback/ChunkStore.js';

/**
 * The records of one fallback job written into their destination caches
 * while it downloads (see `EarlyRecords`), as the job drives them.
 *
 * @private
 */
export interface EarlyWrites {
  /** The writes started: one entry per record, by index (`JobSettlement.early`). */
  readonly writes: ReadonlyArray<Promise<CachedRecord | null> | undefined>;
  /** A part of a file is stored, or about to be, under `key` (its bytes, in memory). */
  notePart(key: string, part: ChunkPart): void;
  /** After every event of the job. */
  update(): void;
  /** The job ended: the writes end (`success`) or fail. */
  end(success: boolean): void;
}

/**
 * How a job ended (or was clicked), as a backend reports it to its queue.
 * The native backend makes one from a `backgroundfetch*` event; the fallback
 * backend from its own download engine.
 *
 * @private
 */
export interface JobSettlement {
  type: 'success' | 'fail' | 'abort' | 'click';
  /** The job, with the caller's id. */
  registration: SnapshotRegistration;
  /** The event whose `waitUntil()` keeps the worker alive meanwhile. */
  event: ExtendableEvent;
  /** Present for success and fail: once, while the settlement is handled. */
  updateUI?: (options?: BackgroundFetchUIOptions) => Promise<void>;
  /**
   * Fallback: the writes `BackendContext.earlyWrites` started during the
   * download: one entry per record, by index (`undefined` for a record
   * copied at the end). They
   * end once the settlement is a success; else they fail, writing nothing.
   */
  early?: ReadonlyArray<Promise<CachedRecord | null> | undefined>;
  /**
   * Fallback: called instead of the app's event when the records could not
   * be cached as the browser refuses every write (`usageMiscounted`): the
   * job is kept as stored, and ends again after the browser's next start.
   */
  keep?: () => void;
}

/** What a queue gives its backends. @private */
export interface BackendContext {
  queueName: string;
  /**
   * Called once a job ended. The backend keeps the job's records readable
   * until the returned promise settles, then releases them.
   */
  onSettled(settlement: JobSettlement): Promise<void>;
  /**
   * Present on queues: writes a fallback job's records into their
   * destination caches while the job still downloads them (a factory, so
   * that the polyfill, which has no queue, does not bundle that code).
   */
  earlyWrites?(source: RecordStreamSource, registration: SnapshotRegistration): EarlyWrites;
  /**
   * Present unless the queue opted out (`nativeFailover: false`): continues
   * a native job that failed with a network error with the chunked
   * fallback, under the same id. Resolves once the fallback job started;
   * keeps `event` (the native end event) alive while it runs.
   */
  failover?(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
    event: ExtendableEvent,
  ): Promise<SnapshotRegistration>;
}

/**
 * The seam between a `BackgroundFetchQueue` and where the bytes come from:
 * Chrome's native Background Fetch, or the chunked fallback. Ids here are
 * the caller's ids; each backend namespaces them by queue itself (see
 * `toJobId`), so jobs of other queues and of other code are never touched.
 *
 * Both backends hand out `SnapshotRegistration`s, so the queue, the page
 * manager and the progress channel do not care which one runs. The queue
 * and the worker polyfill hold backends through this interface only: what
 * one backend alone offers is an optional member here, and callers skip a
 * backend that lacks it. Which backend starts a job is decided in
 * `chooseBackend.ts` (by `kind`).
 *
 * @private
 */
export interface BackgroundFetchBackend {
  /** Which engine this is; `startOnBackends()` passes a refused native start on. */
  readonly kind: BackendKind;
  fetch(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<SnapshotRegistration>;
  get(id: string): Promise<SnapshotRegistration | undefined>;
  /** This queue's active ids, as the caller gave them. */
  getIds(): Promise<string[]>;
  /**
   * Called for every event the worker receives while the queue exists:
   * resumes unfinished work and extends `event`'s lifetime until it is done.
   * The native backend has nothing to resume (the browser downloads).
   */
  keepAlive?(event: ExtendableEvent): void;
  /**
   * Extension (fallback): pauses active job `id`; resolves `false` when this
   * backend has no such job to pause.
   */
  pause?(id: string): Promise<boolean>;
  /** Extension (fallback): resumes paused job `id`; `false` when it is not paused here. */
  resume?(id: string): Promise<boolean>;
  /**
   * Ends every active job without events and deletes what it stored (the
   * worker was unregistered). The native backend has nothing stored: the
   * browser drops its jobs with the registration.
   */
  discardAll?(): Promise<void>;
  /**
   * Stops every active job's requests without ending it, leaving its
   * stored state for the next worker version to resume (fallback).
   */
  handOver?(): void;
  /**
   * The stored state of the active jobs whose bytes this backend keeps,
   * which `BackgroundFetchPlugin` plays while they download (fallback).
   */
  activeRecords?(): Promise<StoredJob[]>;
}
