import {logger} from 'workbox-core/_private/logger.js';
import {broadcast} from '../broadcast.js';
import {createError} from '../models/createError.js';
import {deserializeRequest} from '../serialization.js';
import {assembleResponse} from './assembleResponse.js';
import {chunkKey, chunkKeyPrefix} from './ChunkStore.js';
import {chunkStore} from './chunkStores.js';
import {CoalescingWriter} from './CoalescingWriter.js';
import {createSettlementEvent} from './createSettlementEvent.js';
import {FallbackRegistration} from './FallbackRegistration.js';
import {isActiveState, nextJobState} from './jobStateMachine.js';
import {deleteJob, saveJob} from './jobStore.js';
import {JobNotifier} from './JobNotifier.js';
import {matchRecordRequest} from './matchRecordRequest.js';
import {chunkLength, isComplete, nextRange, storedBytes} from './planChunks.js';
import {ProgressThrottle} from './ProgressThrottle.js';
import {hasRoomFor, isQuotaError} from './quota.js';
import {readBody} from './readBody.js';
import {
  acceptsRanges,
  contentLength,
  fullLength,
  responseHead,
  validatorsOf,
} from './responseHead.js';
import {resumeHeaders} from './resumeHeaders.js';
import {decideRetry} from './retryPolicy.js';
import {validateResumeResponse} from './validateResumeResponse.js';
import {requestWakeWhenOnline, waitForOnline} from './wait.js';
import {Wakeup} from './Wakeup.js';
import type {RegistrationSnapshot, SerializedRequest} from '../../protocol.js';
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchRecord,
  BackgroundFetchUIOptions,
} from '../../types.js';
import type {ChunkStore} from './ChunkStore.js';
import type {FallbackJobControl} from './FallbackRegistration.js';
import type {JobEvent} from './jobStateMachine.js';
import type {ByteRange} from './resumeHeaders.js';
import type {RequestFailure, RetryDecision} from './retryPolicy.js';
import type {JobHost} from './JobHost.js';
import type {StoredJob} from './StoredJob.js';

declare const self: ServiceWorkerGlobalScope;

/** A file that changed on the server more often than this during its download fails (`fetch-error`). */
const MAX_CHANGES = 3;

/**
 * Progress reaches pages and `progress` listeners at most this often: 8 a
 * second, so with the final progress (sent at once) and the result no page
 * sees more than 10 in any second.
 */
const PROGRESS_INTERVAL_MS = 125;

/** A stream without usable ranges is stored in parts of at most this size. */
const STREAM_PART = 4 * 1024 * 1024;

/** The shortest wait of an idle job loop. */
const MIN_SLEEP_MS = 10;

/**
 * A body read whole (`response.blob()`) shows no progress until it is
 * complete: it may take `stallTimeout` plus its length at this rate.
 */
const SLOWEST_RATE = 64 * 1024;

/** Requests faster than this many bytes say little about throughput. */
const MEASURABLE_BYTES = 64 * 1024;

/** One request in flight for a file. */
interface Slot {
  range: ByteRange;
  controller: AbortController;
  /** Aborts the request when nothing arrives in time (see `_watch`). */
  timer?: ReturnType<typeof setTimeout>;
  /** The request was cut for receiving nothing: a failure, unlike a pause. */
  stalled: boolean;
}

/** What a job keeps in memory only, per file. */
interface FileRuntime {
  slots: Set<Slot>;
  /** No request before this time (backoff). */
  retryAt: number;
  /** Bytes read from streams and not stored yet. */
  receiving: number;
  /**
   * The server answered a Range request with a whole 200 or refused it
   * (4xx) although it announced `Accept-Ranges`: read the file as one
   * stream from now on.
   */
  rangesRefused: boolean;
}

function repeatable(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

function sameOrigin(url: string): boolean {
  return new URL(url).origin === self.location.origin;
}

function cancelBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/**
 * `promise`, or an `AbortError` as soon as `signal` aborts: a body read the
 * engine does not end on abort must not hold the job (see `readBody`).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = (): void => reject(new DOMException('The read was aborted.', 'AbortError'));
    if (signal.aborted) {
      abort();
    }
    signal.addEventListener('abort', abort, {once: true});
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

function buildRequest(
  stored: SerializedRequest,
  extraHeaders: Record<string, string>,
  signal: AbortSignal,
): Request {
  const request = deserializeRequest(stored);
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(extraHeaders)) {
    headers.set(name, value);
  }
  return new Request(request, {headers, signal});
}

/**
 * One download job of the fallback backend: its persisted record, the
 * registration pages and the worker see, and the engine that moves bytes.
 *
 * The engine keeps up to `maxInFlight` requests going across the job's
 * files. A file's first request carries no Range; once its headers tell the
 * length and `Accept-Ranges: bytes`, the rest comes in Range chunks sized to
 * the measured throughput (see `planChunks`), each read with
 * `response.blob()` (no JavaScript copy) and stored before the job record
 * lists it. Files without usable ranges are read as a stream and stored in
 * parts. Every resume is validated (`validateResumeResponse`); failures go
 * through `decideRetry`. When the job ends it settles as the spec orders:
 * gone from `getIds()`, result set, last `progress`, then the queue's
 * handler; once that settles the records are released and every chunk and
 * the record are deleted.
 *
 * @private
 */
export class FallbackJob implements FallbackJobControl {
  readonly record: StoredJob;
  readonly registration: FallbackRegistration;
  private readonly _host: JobHost;
  private readonly _store: ChunkStore;
  private readonly _files: FileRuntime[];
  private _verify: boolean;
  private readonly _tasks = new Set<Promise<void>>();
  private readonly _waiters = new Set<() => void>();
  private readonly _throttle: ProgressThrottle;
  private readonly _notifier: JobNotifier;
  private _loop: Promise<void> | null = null;
  private _settlement: Promise<void> | null = null;
  private readonly _wakeup = new Wakeup();
  private readonly _writer: CoalescingWriter;
  private _offline = false;
  private _rate: number | null = null;
  private _recordsAvailable = true;

  /**
   * @param record The job's record, new or loaded from IndexedDB.
   * @param host The backend.
   * @param resumed True when `record` was loaded after a worker start: its
   *     chunks are checked before the job goes on.
   */
  constructor(record: StoredJob, host: JobHost, resumed: boolean) {
    this.record = record;
    this._host = host;
    this._verify = resumed;
    this._store = chunkStore(record.storage);
    this._files = record.files.map(() => ({
      slots: new Set(),
      retryAt: 0,
      receiving: 0,
      rangesRefused: false,
    }));
    this._throttle = new ProgressThrottle(() => this._publish(), PROGRESS_INTERVAL_MS);
    this._writer = new CoalescingWriter(
      () => saveJob(this.record),
      (error) => {
        if (isQuotaError(error)) {
          this._failNow('quota-exceeded');
        } else if (process.env.NODE_ENV !== 'production') {
          logger.error(`Could not store the state of '${this.record.id}':`, error);
        }
      },
    );
    this._notifier = new JobNotifier(record.jobId, {
      title: record.options.title,
      icons: record.options.icons,
      enabled: host.settings.notifications,
      fallbackTitle: record.id,
    });
    this.registration = new FallbackRegistration(this._snapshot(), this);
  }

  /** True while listed by `getIds()`. */
  get active(): boolean {
    return isActiveState(this.record.state);
  }

  /** Gets the job going in whatever state it is (new, resumed, or ended before a restart). */
  start(): void {
    this._transition('start');
    if (this.record.state === 'running') {
      void this._save();
      this._ensureLoop();
    } else if (!this.active) {
      this._ensureSettled();
    }
  }

  async abort(): Promise<boolean> {
    if (!this._transition('abort')) {
      return false;
    }
    this.record.failureReason = 'aborted';
    this._abortRequests();
    await this._save();
    if (!this._loop) {
      this._ensureSettled();
    }
    return true;
  }

  async pause(): Promise<boolean> {
    if (!this._transition('pause')) {
      return false;
    }
    this._abortRequests();
    await this._save();
    this._publish();
    return true;
  }

  async resume(): Promise<boolean> {
    if (!this._transition('resume')) {
      return false;
    }
    this._files.forEach((file) => (file.retryAt = 0));
    await this._save();
    this._publish();
    this._ensureLoop();
    return true;
  }

  async records(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    if (!this._recordsAvailable) {
      throw createError('records-unavailable', {id: this.record.id}, 'InvalidStateError');
    }
    const query =
      request === undefined || request instanceof Request
        ? request
        : new Request(String(request));
    const indexes = this.record.files.flatMap((file, index) =>
      !query || matchRecordRequest(query, file.request, options) ? [index] : [],
    );
    return Promise.all(
      indexes.map(async (index) => {
        const responseReady = this._response(index);
        // Handled here so an unread failure is no unhandled rejection; the
        // caller still sees it.
        responseReady.catch(() => undefined);
        if (this._isFinal(index)) {
          // Settled before the record is handed out: a reader that does not
          // want to wait (the page protocol) sees it at once.
          await responseReady.catch(() => undefined);
        }
        return {request: deserializeRequest(this.record.files[index].request), responseReady};
      }),
    );
  }

  // Life cycle ------------------------------------------------------------

  private _transition(event: JobEvent): boolean {
    const next = nextJobState(this.record.state, event);
    if (next === null) {
      return false;
    }
    if (process.env.NODE_ENV !== 'production') {
      logger.debug(`Background fetch '${this.record.id}': ${this.record.state} → ${next}.`);
    }
    if (!isActiveState(next)) {
      // The last progress of an active job, whatever the throttle held back.
      // Pages learn the result from the queue, once it stored the records.
      this._throttle.cancel();
      this._publish();
    }
    this.record.state = next;
    this._notifyWaiters();
    this._poke();
    return true;
  }

  private _ensureLoop(): void {
    if (this._loop) {
      return;
    }
    const loop = this._run()
      .catch((error: unknown) => {
        if (process.env.NODE_ENV !== 'production') {
          logger.error(`Background fetch '${this.record.id}' stopped on an error:`, error);
        }
        this._failNow('fetch-error');
      })
      .finally(() => {
        this._loop = null;
        if (this.record.state === 'running') {
          this._ensureLoop();
        } else if (!this.active) {
          this._ensureSettled();
        }
      });
    this._loop = loop;
    this._host.track(loop);
  }

  private async _run(): Promise<void> {
    if (this._verify) {
      this._verify = false;
      await this._checkStoredChunks();
    }
    while (this.record.state === 'running') {
      if (this._offline) {
        await this._waitOnline();
        continue;
      }
      this.record.files.forEach((_, index) => this._checkComplete(index));
      this._fill();
      if (this._tasks.size > 0) {
        await this._wakeup.sleep(Infinity);
      } else if (this.record.files.every((file) => file.status !== 'pending')) {
        this._transition(this.record.failureReason ? 'fail' : 'succeed');
      } else {
        // Every pending file waits for its backoff to end.
        const next = Math.min(
          ...this.record.files.flatMap((file, index) =>
            file.status === 'pending' ? [this._files[index].retryAt] : [],
          ),
        );
        await this._wakeup.sleep(Math.max(MIN_SLEEP_MS, next - Date.now()));
      }
    }
    while (this._tasks.size > 0) {
      await Promise.allSettled([...this._tasks]);
    }
  }

  /** After a worker start: forget chunks the browser lost, fail requests that cannot be sent again. */
  private async _checkStoredChunks(): Promise<void> {
    await Promise.all(
      this.record.files.map(async (file, index) => {
        if (file.status === 'pending' && file.sent && !repeatable(file.request.method)) {
          this._failFile(index, 'fetch-error');
          return;
        }
        const present = await Promise.all(
          file.chunks.map((chunk) =>
            this._store.has(chunkKey(this.record.uid, index, file.generation, chunk.start)),
          ),
        );
        const kept = file.chunks.filter((_, chunk) => present[chunk]);
        if (kept.length < file.chunks.length) {
          if (process.env.NODE_ENV !== 'production') {
            logger.warn(
              `Background fetch '${this.record.id}': the browser dropped ` +
                `${file.chunks.length - kept.length} stored chunks of ` +
                `${file.request.url}; downloading them again.`,
            );
          }
          file.chunks = kept;
          if (file.status === 'done') {
            file.status = 'pending';
          }
        }
      }),
    );
    await this._save();
  }

  private _ensureSettled(): void {
    if (this._settlement) {
      return;
    }
    this._settlement = this._settle().catch((error: unknown) => {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Background fetch '${this.record.id}' could not be settled:`, error);
      }
    });
    this._host.track(this._settlement);
  }

  private async _settle(): Promise<void> {
    while (this._tasks.size > 0) {
      await Promise.allSettled([...this._tasks]);
    }
    if (!this.record.settled) {
      const {state} = this.record;
      const type = state === 'succeeded' ? 'success' : state === 'aborted' ? 'abort' : 'fail';
      await this._save();
      // The spec's order: out of getIds() (done: the state is final),
      // result and failure reason set with one last `progress`, then the
      // event.
      this.registration.applySnapshot(this._snapshot());
      this._notifier.finish(type, this.registration.snapshot());
      let uiOpen = true;
      let uiUsed = false;
      const updateUI =
        type === 'abort'
          ? undefined
          : async (options?: BackgroundFetchUIOptions): Promise<void> => {
              if (!uiOpen || uiUsed) {
                throw createError('update-ui-not-allowed', {}, 'InvalidStateError');
              }
              uiUsed = true;
              await this._notifier.replace(options);
            };
      const settlement = createSettlementEvent(type, this.registration, updateUI);
      try {
        await this._host.context.onSettled({
          type,
          registration: this.registration,
          event: settlement.event,
          updateUI,
        });
        await settlement.extended();
      } catch (error) {
        if (process.env.NODE_ENV !== 'production') {
          logger.error(`The ${type} handler of '${this.record.id}' threw:`, error);
        }
      }
      uiOpen = false;
      this._recordsAvailable = false;
      this.registration.applySnapshot({recordsAvailable: false});
      this.record.settled = true;
      await this._save();
    }
    await this._store.deletePrefix(chunkKeyPrefix(this.record.uid));
    await this._writer.close();
    await deleteJob(this.record.uid);
    this._host.forget(this);
  }

  // Scheduling ------------------------------------------------------------

  /**
   * The largest request: the requests in flight share `chunkSize`, so a
   * killed worker never loses more than `chunkSize` bytes.
   */
  private _requestCap(): number {
    const {chunkSize, maxInFlight} = this._host.settings;
    return Math.max(1, Math.floor(chunkSize / maxInFlight));
  }

  /** Starts requests until `maxInFlight` are going or nothing is left to ask for. */
  private _fill(): void {
    const {maxInFlight} = this._host.settings;
    const now = Date.now();
    const length = chunkLength(this._rate, this._requestCap());
    while (this._tasks.size < maxInFlight) {
      const next = this.record.files
        .map((file, index) => ({file, index}))
        .filter(({file, index}) => file.status === 'pending' && this._files[index].retryAt <= now)
        .map(({file, index}) => ({
          index,
          range: nextRange(
            {
              started: file.head !== null,
              total: file.total,
              ranges: file.ranges,
              chunks: file.chunks,
              inFlight: [...this._files[index].slots].map((slot) => slot.range),
            },
            length,
          ),
        }))
        .find(({range}) => range !== null);
      if (!next?.range) {
        return;
      }
      this._startRequest(next.index, next.range);
    }
  }

  private _startRequest(index: number, range: ByteRange): void {
    const slot: Slot = {range, controller: new AbortController(), stalled: false};
    const {slots} = this._files[index];
    slots.add(slot);
    const task: Promise<void> = this._request(index, slot)
      .catch((error: unknown) => this._unexpected(index, error))
      .finally(() => {
        clearTimeout(slot.timer);
        slots.delete(slot);
        this._tasks.delete(task);
        this._poke();
      });
    this._tasks.add(task);
  }

  private _poke(): void {
    this._wakeup.poke();
  }

  private async _waitOnline(): Promise<void> {
    requestWakeWhenOnline();
    const stop = new AbortController();
    await this._wakeup.sleep(Infinity, waitForOnline(stop.signal));
    stop.abort();
    if (navigator.onLine) {
      this._offline = false;
    }
  }

  /**
   * (Re)starts the stall watch of `slot`: unless this is called again
   * within `ms`, the request is cut and counts as a network failure. A
   * stalled connection otherwise hangs a download for as long as the OS
   * keeps it open.
   */
  private _watch(slot: Slot, ms: number): void {
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.stalled = true;
      slot.controller.abort();
    }, ms);
  }

  /** True when a failed read or fetch of `slot` was a pause, an abort or a restart, not a failure. */
  private _stopped(slot: Slot): boolean {
    return slot.controller.signal.aborted && !slot.stalled;
  }

  private _abortRequests(): void {
    for (const file of this._files) {
      file.slots.forEach((slot) => slot.controller.abort());
    }
  }

  // Requests ---------------------------------------------------------------

  /** True while bytes of this generation of file `index` are still wanted. */
  private _keeps(index: number, generation: number): boolean {
    const {state} = this.record;
    return (
      (state === 'running' || state === 'paused') &&
      this.record.files[index].generation === generation
    );
  }

  private async _request(index: number, slot: Slot): Promise<void> {
    const file = this.record.files[index];
    const generation = file.generation;
    const {signal} = slot.controller;
    const headers = resumeHeaders(
      file.head === null ? null : {etag: file.etag, lastModified: file.lastModified},
      slot.range,
      sameOrigin(file.request.url),
    );
    if (!repeatable(file.request.method)) {
      file.sent = true;
      await this._save();
    }
    const started = Date.now();
    let response: Response;
    this._watch(slot, this._host.settings.stallTimeout);
    try {
      response = await fetch(buildRequest(file.request, headers, signal));
    } catch {
      if (!this._stopped(slot) && this._keeps(index, generation)) {
        this._retryOrFail(index, {type: 'network'});
      }
      return;
    }
    if (this._stopped(slot) || !this._keeps(index, generation)) {
      cancelBody(response);
      return;
    }
    if (headers.Range === undefined) {
      await this._takeFull(index, slot, response, started);
    } else {
      await this._takeResume(index, slot, response, started);
    }
  }

  /** A response to a request without Range: the whole file, or a final error status. */
  private async _takeFull(
    index: number,
    slot: Slot,
    response: Response,
    started: number,
  ): Promise<void> {
    const file = this.record.files[index];
    const generation = file.generation;
    if (!response.ok) {
      await this._takeErrorStatus(index, slot, response);
      return;
    }
    const {method} = file.request;
    const validators = validatorsOf(response.headers);
    file.head = responseHead(response);
    file.etag = validators.etag;
    file.lastModified = validators.lastModified;
    file.total = fullLength(response, method);
    file.ranges =
      method === 'GET' &&
      file.total !== null &&
      acceptsRanges(response.headers) &&
      !this._files[index].rangesRefused;
    file.chunks = [];
    if (!this._withinBudget() || !(await this._roomFor(file.total))) {
      cancelBody(response);
      return;
    }
    await this._save();
    if (!this._keeps(index, generation)) {
      cancelBody(response);
      return;
    }
    const cap = this._requestCap();
    const length = chunkLength(this._rate, cap);
    if (file.total !== null && file.total <= length) {
      // No limit: a Content-Length that does not count the body as read
      // (content-encoding hidden from CORS) must not cut it.
      await this._receive(index, slot, response, {start: 0, limit: null, whole: true, started});
    } else if (file.ranges && file.total! > cap) {
      // Read the first chunk from this response, then drop it: Range
      // requests fetch the rest meanwhile. (What the network already sent
      // of it is wasted, so files of one request are read to the end.)
      slot.range = {start: 0, end: length};
      this._poke();
      await this._receive(index, slot, response, {start: 0, limit: length, whole: false, started});
    } else {
      await this._receive(index, slot, response, {start: 0, limit: null, whole: false, started});
    }
  }

  /** A response to a Range request: checked before a byte of it is kept. */
  private async _takeResume(
    index: number,
    slot: Slot,
    response: Response,
    started: number,
  ): Promise<void> {
    const file = this.record.files[index];
    const {status, headers} = response;
    if (!response.ok && status !== 416) {
      cancelBody(response);
      if (status >= 400 && status < 500) {
        // Gone, or Range refused: ask for the whole file afresh (its final
        // error status then becomes the record).
        this._files[index].rangesRefused = true;
        this._changed(index, `status ${status}`);
      } else if (this._retryOrFail(index, {type: 'status', status}) === 'give-up-status') {
        this._failFile(index, 'fetch-error');
      }
      return;
    }
    const verdict = validateResumeResponse(
      {
        status,
        contentRange: headers.get('content-range'),
        contentLength: contentLength(headers),
        validators: validatorsOf(headers),
      },
      {
        start: slot.range.start,
        total: file.total,
        validators: {etag: file.etag, lastModified: file.lastModified},
      },
    );
    if (verdict.action === 'restart') {
      cancelBody(response);
      this._changed(index, verdict.reason);
      return;
    }
    if (verdict.action === 'replace') {
      if (verdict.changed && !this._countChange(index, 'new version')) {
        cancelBody(response);
        return;
      }
      if (process.env.NODE_ENV !== 'production') {
        logger.debug(`${file.request.url} answered a resume with the whole file: starting over from it.`);
      }
      if (!verdict.changed) {
        // Same file, Range ignored: asking again would get the same answer.
        this._files[index].rangesRefused = true;
      }
      this._startOver(index, slot);
      slot.range = {start: 0, end: null};
      await this._takeFull(index, slot, response, started);
      return;
    }
    const {range} = verdict;
    if (file.total === null && range.total !== null) {
      file.total = range.total;
      file.ranges = true;
      if (!this._withinBudget()) {
        cancelBody(response);
        return;
      }
    }
    const sent = range.end - range.start;
    const bounded = slot.range.end !== null;
    await this._receive(index, slot, response, {
      start: range.start,
      limit: bounded ? Math.min(sent, slot.range.end! - slot.range.start) : null,
      whole: bounded,
      started,
    });
  }

  /** A final error status of a full request becomes the record (`bad-status`), unless retried. */
  private async _takeErrorStatus(index: number, slot: Slot, response: Response): Promise<void> {
    const file = this.record.files[index];
    const generation = file.generation;
    if (response.status === 0) {
      // An opaque redirect (`redirect: 'manual'`): nothing a record can hold.
      this._failFile(index, 'fetch-error');
      return;
    }
    if (this._retryOrFail(index, {type: 'status', status: response.status}) !== 'give-up-status') {
      cancelBody(response);
      return;
    }
    let body: Blob;
    try {
      body = await untilAborted(response.blob(), slot.controller.signal);
    } catch {
      body = new Blob([]);
    }
    if (!this._keeps(index, generation)) {
      return;
    }
    file.head = responseHead(response);
    file.total = body.size;
    file.chunks = [];
    if (body.size > 0) {
      await this._store.put(chunkKey(this.record.uid, index, generation, 0), body);
      if (!this._keeps(index, generation)) {
        return;
      }
      file.chunks.push({start: 0, end: body.size});
    }
    file.status = 'bad-status';
    this._noteFailure('bad-status');
    this._notifyWaiters();
    this._noteProgress();
    await this._save();
  }

  /**
   * Stores the body of `response`, the bytes from `start`: with
   * `response.blob()` when it is one chunk (`whole`), else as a stream in
   * parts. `limit` bytes at most (`null`: to the end).
   */
  private async _receive(
    index: number,
    slot: Slot,
    response: Response,
    {start, limit, whole, started}: {start: number; limit: number | null; whole: boolean; started: number},
  ): Promise<void> {
    const file = this.record.files[index];
    const runtime = this._files[index];
    const generation = file.generation;
    const commit = async (offset: number, part: Blob): Promise<void> => {
      if (part.size === 0 || !this._keeps(index, generation)) {
        return;
      }
      await this._store.put(chunkKey(this.record.uid, index, generation, offset), part);
      if (!this._keeps(index, generation)) {
        return;
      }
      file.chunks.push({start: offset, end: offset + part.size});
      file.attempts = 0;
      this._checkComplete(index);
      this._noteProgress();
      await this._save();
    };
    const {stallTimeout} = this._host.settings;
    let received = 0;
    try {
      if (whole) {
        const expected = limit ?? file.total ?? 0;
        this._watch(slot, stallTimeout + (expected / SLOWEST_RATE) * 1000);
        let body = await untilAborted(response.blob(), slot.controller.signal);
        if (limit !== null && body.size > limit) {
          body = body.slice(0, limit);
        }
        received = body.size;
        await commit(start, body);
      } else {
        received = await readBody(response, {
          limit,
          commitEvery: Math.min(STREAM_PART, chunkLength(this._rate, this._requestCap())),
          commit: async (offset, part) => {
            runtime.receiving = Math.max(0, runtime.receiving - part.size);
            await commit(start + offset, part);
          },
          onBytes: (count) => {
            this._watch(slot, stallTimeout);
            runtime.receiving += count;
            this._noteProgress();
          },
          signal: slot.controller.signal,
        });
      }
    } catch (error) {
      runtime.receiving = 0;
      if (isQuotaError(error)) {
        this._failNow('quota-exceeded');
      } else if (!this._stopped(slot) && this._keeps(index, generation)) {
        this._retryOrFail(index, {type: 'network'});
      }
      return;
    }
    this._measure(received, started);
    if (!this._keeps(index, generation)) {
      return;
    }
    this._checkComplete(index);
    if (limit === null) {
      // Read to the end of the response: that is the end of the file.
      const end = start + received;
      if (file.total === null || (start === 0 && end > file.total)) {
        file.total = end;
        file.ranges = false;
        this._checkComplete(index);
        await this._save();
        return;
      }
    }
    if (received === 0 && file.status === 'pending') {
      // An empty body where bytes were announced: a failed attempt.
      this._retryOrFail(index, {type: 'network'});
    }
  }

  /** `decideRetry` applied to file `index`; returns the decision's action. */
  private _retryOrFail(index: number, failure: RequestFailure): RetryDecision['action'] {
    const file = this.record.files[index];
    file.attempts += 1;
    const decision = decideRetry(failure, {
      method: file.request.method,
      attempts: file.attempts,
      online: navigator.onLine,
      options: this._host.settings.retry,
      random: Math.random,
    });
    if (process.env.NODE_ENV !== 'production') {
      logger.debug(
        `${file.request.url} failed (${failure.type === 'network' ? 'network' : failure.status}, ` +
          `attempt ${file.attempts}): ${decision.action}.`,
      );
    }
    switch (decision.action) {
      case 'retry':
        this._files[index].retryAt = Date.now() + decision.delay;
        break;
      case 'wait-online':
        file.attempts -= 1;
        this._offline = true;
        break;
      case 'give-up-network':
        this._failFile(index, 'fetch-error');
        break;
      case 'give-up-status':
        break;
    }
    void this._save();
    return decision.action;
  }

  /** File `index` changed on the server: start it over, or fail it when it keeps changing. */
  private _changed(index: number, reason: string): void {
    if (this._countChange(index, reason)) {
      this._startOver(index);
    }
  }

  private _countChange(index: number, reason: string): boolean {
    const file = this.record.files[index];
    file.changes += 1;
    if (process.env.NODE_ENV !== 'production') {
      logger.warn(`${file.request.url} changed during the download (${reason}).`);
    }
    if (file.changes > MAX_CHANGES) {
      this._failFile(index, 'fetch-error');
      return false;
    }
    return true;
  }

  /** Throws away what is stored of file `index`: its next request carries no Range. */
  private _startOver(index: number, keep?: Slot): void {
    const file = this.record.files[index];
    const runtime = this._files[index];
    const old = chunkKeyPrefix(this.record.uid, index, file.generation);
    file.generation += 1;
    file.head = null;
    file.total = null;
    file.ranges = false;
    file.etag = null;
    file.lastModified = null;
    file.chunks = [];
    runtime.receiving = 0;
    runtime.slots.forEach((slot) => slot !== keep && slot.controller.abort());
    this._store.deletePrefix(old).catch(() => undefined);
    this._noteProgress();
    void this._save();
  }

  private _failFile(index: number, reason: BackgroundFetchFailureReason): void {
    const file = this.record.files[index];
    file.status = 'failed';
    this._files[index].slots.forEach((slot) => slot.controller.abort());
    this._noteFailure(reason);
    this._notifyWaiters();
    void this._save();
  }

  private _noteFailure(reason: BackgroundFetchFailureReason): void {
    this.record.failureReason ||= reason;
  }

  /** Fails the whole job at once (download total, quota). */
  private _failNow(reason: BackgroundFetchFailureReason): void {
    if (this.record.state !== 'running' && this.record.state !== 'queued') {
      return;
    }
    this.record.failureReason = reason;
    this._transition('fail');
    this._abortRequests();
    void this._save();
  }

  private _unexpected(index: number, error: unknown): void {
    if (isQuotaError(error)) {
      this._failNow('quota-exceeded');
      return;
    }
    if (process.env.NODE_ENV !== 'production') {
      logger.error(`Unexpected error downloading ${this.record.files[index].request.url}:`, error);
    }
    if (this.active) {
      this._retryOrFail(index, {type: 'network'});
    }
  }

  private _checkComplete(index: number): void {
    const file = this.record.files[index];
    if (file.status === 'pending' && isComplete(file)) {
      file.status = 'done';
      this._notifyWaiters();
    }
  }

  /** Throughput of one request, averaged: sizes the next chunks. */
  private _measure(bytes: number, started: number): void {
    const seconds = (Date.now() - started) / 1000;
    if (bytes < MEASURABLE_BYTES || seconds <= 0) {
      return;
    }
    const rate = bytes / seconds;
    this._rate = this._rate === null ? rate : (this._rate + rate) / 2;
  }

  // Limits -------------------------------------------------------------------

  /** False (and the job failed) once the job is bound to exceed a non-zero `downloadTotal`. */
  private _withinBudget(): boolean {
    const limit = this.record.options.downloadTotal ?? 0;
    if (limit === 0) {
      return true;
    }
    const expected = this.record.files.reduce(
      (sum, file) => sum + (file.total ?? storedBytes(file.chunks)),
      0,
    );
    if (expected > limit || this._downloaded() > limit) {
      this._failNow('download-total-exceeded');
      return false;
    }
    return true;
  }

  private async _roomFor(total: number | null): Promise<boolean> {
    if (total === null || (await hasRoomFor(total))) {
      return true;
    }
    this._failNow('quota-exceeded');
    return false;
  }

  // Records ------------------------------------------------------------------

  private _isFinal(index: number): boolean {
    return this.record.files[index].status !== 'pending' || !this.active;
  }

  private async _response(index: number): Promise<Response> {
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this._isFinal(index)) {
          this._waiters.delete(check);
          resolve();
        }
      };
      this._waiters.add(check);
      check();
    });
    const file = this.record.files[index];
    const details = {id: this.record.id, url: file.request.url};
    if ((file.status === 'done' || file.status === 'bad-status') && file.head) {
      const sorted = [...file.chunks].sort((a, b) => a.start - b.start);
      const parts = await Promise.all(
        sorted.map((chunk) =>
          this._store.get(chunkKey(this.record.uid, index, file.generation, chunk.start)),
        ),
      );
      if (parts.every((part): part is Blob => part !== undefined)) {
        return assembleResponse(file.head, parts);
      }
    } else if (this.record.state === 'aborted') {
      throw createError('download-aborted', details, 'AbortError');
    }
    throw createError('download-failed', details, 'TypeError');
  }

  private _notifyWaiters(): void {
    [...this._waiters].forEach((check) => check());
  }

  // Progress and persistence -------------------------------------------------

  private _downloaded(): number {
    return this.record.files.reduce(
      (sum, file, index) => sum + storedBytes(file.chunks) + this._files[index].receiving,
      0,
    );
  }

  /** The size the notification shows a percentage of, `null` while unknown. */
  private _expectedTotal(): number | null {
    const limit = this.record.options.downloadTotal ?? 0;
    if (limit > 0) {
      return limit;
    }
    const totals = this.record.files.map((file) => file.total);
    return totals.every((total): total is number => total !== null)
      ? totals.reduce((sum, total) => sum + total, 0)
      : null;
  }

  private _snapshot(): RegistrationSnapshot {
    const {state, files} = this.record;
    const uploadTotal = files.reduce((sum, file) => sum + (file.request.body?.byteLength ?? 0), 0);
    const uploaded = files.reduce(
      (sum, file) =>
        sum + (file.sent || file.head !== null ? (file.request.body?.byteLength ?? 0) : 0),
      0,
    );
    return {
      id: this.record.id,
      queue: this.record.queue,
      backend: 'fallback',
      uploadTotal,
      uploaded,
      downloadTotal: this.record.options.downloadTotal ?? 0,
      downloaded: this._downloaded(),
      result: state === 'succeeded' ? 'success' : this.active ? '' : 'failure',
      failureReason: state === 'aborted' ? 'aborted' : this.active ? '' : this.record.failureReason,
      recordsAvailable: this._recordsAvailable,
      paused: state === 'paused',
    };
  }

  private _noteProgress(): void {
    if (this._withinBudget()) {
      this._throttle.schedule();
    }
  }

  /** Progress to the registration, every page, and the notification. */
  private _publish(): void {
    if (!this.active) {
      return;
    }
    this.registration.applySnapshot(this._snapshot());
    const snapshot = this.registration.snapshot();
    broadcast({type: 'WBF_PROGRESS', snapshot});
    this._notifier.progress(snapshot, this._expectedTotal());
  }

  /** Writes the record; resolves once a write holding the current state ended. */
  private _save(): Promise<void> {
    return this._writer.write();
  }
}
