import {logger} from '../logger.js';
import {broadcast} from '../broadcast.js';
import {chunkKeyPrefix} from './ChunkStore.js';
import {chunkStore} from './chunkStores.js';
import {CoalescingWriter} from './CoalescingWriter.js';
import {step} from './downloadCore.js';
import {createDownloadState} from './downloadState.js';
import {FallbackRegistration} from './FallbackRegistration.js';
import {expectedTotal, jobSnapshot} from './jobSnapshot.js';
import {isActiveState} from './jobStateMachine.js';
import {deleteJob, saveJob} from './jobStore.js';
import {JobNotifier} from './JobNotifier.js';
import {JobWaiters} from './JobWaiters.js';
import {isFinal, readRecords} from './jobRecords.js';
import {presentChunks} from './presentChunks.js';
import {PROGRESS_INTERVAL_MS, ProgressThrottle} from './ProgressThrottle.js';
import {isQuotaError, storageRefusal} from './quota.js';
import {runRequestCommand} from './requestTasks.js';
import {releaseUnfinishedChunks} from './releaseUnfinishedChunks.js';
import {runSettlement} from './runSettlement.js';
import {MIN_SLEEP_MS, requestWakeWhenOnline, waitForOnline} from './wait.js';
import type {RegistrationSnapshot} from '../../protocol.js';
import type {BackgroundFetchRecord} from '../../types.js';
import type {EarlyWrites} from '../BackgroundFetchBackend.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadCommand, DownloadEvent, DownloadState} from './downloadState.js';
import type {RequestDriver, RequestIO} from './requestTasks.js';
import type {FallbackJobControl} from './FallbackRegistration.js';
import type {JobHost} from './JobHost.js';
import type {StoredJob} from './StoredJob.js';

/**
 * One download job of the fallback backend: the driver of the pure core in
 * `downloadCore.ts`. It turns calls (`start`, `pause`…) and I/O results
 * into core events and carries out the commands the core returns: fetch,
 * read and store bodies, save the record, publish progress, run timers,
 * settle and purge. Every decision (what to request, what a response
 * means, retries, limits, the job's and files' states) is the core's.
 *
 * @private
 */
export class FallbackJob implements FallbackJobControl {
  /** Everything the core decides on; `state.record` is what IndexedDB keeps. */
  readonly state: DownloadState;
  readonly registration: FallbackRegistration;
  private readonly _host: JobHost;
  private readonly _store: ChunkStore;
  private readonly _throttle: ProgressThrottle;
  private readonly _notifier: JobNotifier;
  private readonly _writer: CoalescingWriter;
  private readonly _io = new Map<number, RequestIO>();
  private readonly _requestDriver: RequestDriver;
  private readonly _waiters = new JobWaiters();
  private readonly _early: EarlyWrites | undefined;
  private readonly _queue: DownloadEvent[] = [];
  private _dispatching = false;
  private _wakeTimer?: ReturnType<typeof setTimeout>;
  private _onlineWait?: AbortController;
  /** Resolved once the purge ended (or failed): see `discard()`. */
  private _purgeEnded: (() => void) | null = null;
  private readonly _purgeDone = new Promise<void>((resolve) => (this._purgeEnded = resolve));
  /** Resolves the promise that keeps the worker alive while the job runs. */
  private _release: (() => void) | null = null;
  /** Handed over to a newer worker: nothing of this copy runs any more. */
  private _suspended = false;

  /**
   * @param record The job's record, new or loaded from IndexedDB.
   * @param host The backend.
   * @param resumed True when `record` was loaded after a worker start: its
   *     chunks are checked before the job goes on.
   */
  constructor(record: StoredJob, host: JobHost, resumed: boolean) {
    this.state = createDownloadState(record, host.settings, resumed);
    this._host = host;
    this._store = chunkStore(record.storage);
    this._throttle = new ProgressThrottle(() => this._publish(), PROGRESS_INTERVAL_MS);
    this._writer = new CoalescingWriter(
      () => saveJob(this.record),
      (error) => {
        if (process.env.NODE_ENV !== 'production' && !isQuotaError(error)) {
          logger.error(`Could not store the state of '${record.id}':`, error);
        }
        void storageRefusal(error).then((quota) => this._dispatch({type: 'saveFailed', quota}));
      },
    );
    this._notifier = new JobNotifier(record.jobId, {
      title: record.options.title,
      icons: record.options.icons,
      enabled: host.settings.notifications,
      fallbackTitle: record.id,
    });
    this.registration = new FallbackRegistration(jobSnapshot(this.state), this);
    this._early = host.context.earlyWrites?.(
      {state: this.state, store: this._store, changed: () => this._waiters.next()},
      this.registration,
    );
    this._requestDriver = {
      state: this.state,
      store: this._store,
      io: this._io,
      dispatch: (event) => void this._dispatch(event),
      saved: () => this._writer.write(),
      storing: (key, part) => this._early?.notePart(key, part),
    };
  }

  /** The persisted record (`state.record`). */
  get record(): StoredJob {
    return this.state.record;
  }

  /** True while listed by `getIds()`. */
  get active(): boolean {
    return isActiveState(this.record.state);
  }

  /** Saves the record again while the job is active (the app deleted the job database). */
  saveAgain(): void {
    if (this.active) {
      void this._writer.write();
    }
  }

  /** Gets the job going in whatever state it is (new, resumed, or ended before a restart). */
  start(): void {
    this._dispatch({type: 'start'});
  }

  async abort(): Promise<boolean> {
    return this._control({type: 'abort'});
  }

  /**
   * Pauses the job; resolves once the requests it cut have ended (the bytes
   * that had arrived are stored: a chunk read in parts keeps them) and the
   * record is written, so nothing changes while it is paused.
   */
  async pause(): Promise<boolean> {
    return this._control(
      {type: 'pause'},
      () => this._suspended || this.state.requests.length === 0,
    );
  }

  async resume(): Promise<boolean> {
    return this._control({type: 'resume'});
  }

  /**
   * Stops the job's requests and timers without an event or a state change,
   * as a killed worker would, for a newer worker to resume it from its
   * stored state. False (nothing done) once the job is settling.
   */
  suspend(): boolean {
    if (!this.active || this.record.settled) {
      return false;
    }
    this._stop();
    return true;
  }

  /** Stops whatever of the job runs here, leaving its stored state as it is. */
  private _stop(): void {
    this._suspended = true;
    this._waiters.notify();
    this._early?.end(false);
    clearTimeout(this._wakeTimer);
    this._onlineWait?.abort();
    this._throttle.cancel();
    for (const io of this._io.values()) {
      clearTimeout(io.timer);
      io.controller.abort();
    }
    this._release?.();
    this._release = null;
  }

  /**
   * Ends an active job without an event and deletes its chunks and record
   * once no request of it is in flight (its worker was unregistered).
   * Resolves when that is done; at once when the job already has a result
   * (it purges itself after its event).
   */
  async discard(): Promise<void> {
    if (this._dispatch({type: 'discard'})) {
      await this._purgeDone;
    }
  }

  records(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    return readRecords(
      {
        state: this.state,
        store: this._store,
        whenFinal: (index) => this._waiters.until(() => isFinal(this.state, index)),
      },
      request,
      options,
    );
  }

  // Events ----------------------------------------------------------------

  private async _control(event: DownloadEvent, settled?: () => boolean): Promise<boolean> {
    if (!this._dispatch(event)) {
      return false;
    }
    if (settled) {
      await this._waiters.until(settled);
    }
    if (!this._suspended) {
      await this._writer.write();
    }
    return true;
  }

  /** Applies `event` (after any being applied) and carries out the commands. */
  private _dispatch(event: DownloadEvent): boolean {
    if (this._suspended) {
      return false;
    }
    if (this._dispatching) {
      this._queue.push(event);
      return true;
    }
    this._dispatching = true;
    let accepted = false;
    try {
      accepted = this._apply(event);
      while (this._queue.length > 0) {
        this._apply(this._queue.shift()!);
      }
    } finally {
      this._dispatching = false;
    }
    this._waiters.notify();
    if (this.record.state === 'failed' || this.record.state === 'aborted') {
      this._early?.end(false);
    } else {
      this._early?.update();
    }
    this._keepAliveWhileBusy();
    return accepted;
  }

  private _apply(event: DownloadEvent): boolean {
    const env = {now: Date.now(), online: navigator.onLine, random: Math.random};
    const {accepted, commands} = step(this.state, event, env);
    for (const command of commands) {
      try {
        this._carryOut(command);
      } catch (error) {
        if (process.env.NODE_ENV !== 'production') {
          logger.error(`Background fetch '${this.record.id}': ${command.type} failed:`, error);
        }
      }
    }
    return accepted;
  }

  private _carryOut(command: DownloadCommand): void {
    switch (command.type) {
      case 'save':
        void this._writer.write();
        break;
      case 'deleteGeneration':
        this._store
          .deletePrefix(chunkKeyPrefix(this.record.uid, command.file, command.generation))
          .catch(() => undefined);
        break;
      case 'wakeAt':
        clearTimeout(this._wakeTimer);
        this._wakeTimer = setTimeout(
          () => this._dispatch({type: 'tick'}),
          Math.max(MIN_SLEEP_MS, command.at - Date.now()),
        );
        break;
      case 'waitOnline':
        requestWakeWhenOnline();
        this._onlineWait = new AbortController();
        void waitForOnline(this._onlineWait.signal).then(() => {
          if (navigator.onLine) {
            this._dispatch({type: 'online'});
          }
        });
        break;
      case 'checkChunks':
        this._host.track(
          presentChunks(this.state, this._store, command.end).then((present) =>
            this._dispatch({type: 'chunksChecked', present}),
          ),
        );
        break;
      case 'progress':
        if (command.immediate) {
          this._publish();
        } else {
          this._throttle.schedule();
        }
        break;
      case 'finalProgress':
        this._throttle.cancel();
        this._publish(command.snapshot);
        break;
      case 'settle':
        this._host.track(this._settle(command.kind));
        break;
      case 'recordsUnavailable':
        this.registration._update({recordsAvailable: false});
        break;
      case 'purge':
        this._host.track(this._purge());
        break;
      case 'forget':
        clearTimeout(this._wakeTimer);
        this._onlineWait?.abort();
        this._host.forget(this);
        break;
      case 'log':
        if (process.env.NODE_ENV !== 'production') {
          logger[command.level](command.message);
        }
        break;
      default:
        // fetch, cancel, cancelBody, watch, checkRoom, read, storeErrorBody
        runRequestCommand(this._requestDriver, command);
    }
  }

  /** While the job runs or has requests in flight, an event keeps the worker alive. */
  private _keepAliveWhileBusy(): void {
    const busy = this.record.state === 'running' || this.state.requests.length > 0;
    if (busy && !this._release) {
      this._host.track(new Promise<void>((resolve) => (this._release = resolve)));
    } else if (!busy && this._release) {
      this._release();
      this._release = null;
    }
  }

  // Settlement ----------------------------------------------------------------

  private async _settle(kind: 'success' | 'fail' | 'abort'): Promise<void> {
    let kept = false;
    try {
      if (this.record.failureReason === 'quota-exceeded') {
        // The origin is full: free what no record can use before the handler runs.
        await releaseUnfinishedChunks(this.record, this._store);
      }
      await this._writer.write();
      this.registration._update(jobSnapshot(this.state));
      this._early?.end(kind === 'success');
      kept = await runSettlement(kind, {
        context: this._host.context,
        registration: this.registration,
        notifier: this._notifier,
        early: this._early?.writes,
      });
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Background fetch '${this.record.id}' could not be settled:`, error);
      }
    }
    if (kept) {
      // Its records could not be cached: it ends again after the next start.
      this._stop();
      this._host.forget(this);
    } else {
      this._dispatch({type: 'settlementHandled'});
    }
  }

  private async _purge(): Promise<void> {
    try {
      await this._writer.write();
      await this._store.deletePrefix(chunkKeyPrefix(this.record.uid));
      await this._writer.close();
      await deleteJob(this.record.uid);
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Background fetch '${this.record.id}' could not be purged:`, error);
      }
      return;
    } finally {
      this._purgeEnded?.();
    }
    this._dispatch({type: 'purged'});
  }

  // Records and progress ------------------------------------------------------

  /** Progress to the registration, every page, and the notification. */
  private _publish(snapshot?: RegistrationSnapshot): void {
    if (!snapshot && !this.active) {
      return;
    }
    this.registration._update(snapshot ?? jobSnapshot(this.state));
    const current = this.registration.snapshot();
    broadcast({type: 'WBF_PROGRESS', snapshot: current});
    this._notifier.progress(current, expectedTotal(this.state));
  }
}
