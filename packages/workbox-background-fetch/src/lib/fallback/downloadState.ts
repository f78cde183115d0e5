import type {RegistrationSnapshot} from '../../protocol.js';
import type {BackgroundFetchFailureReason} from '../../types.js';
import type {FallbackSettings} from './FallbackSettings.js';
import {FIRST_CHUNK} from './planChunks.js';
import type {ByteRange, Validators} from './resumeHeaders.js';
import type {StoredFile, StoredJob, StoredResponseHead} from './StoredJob.js';

/*
  The state, events and commands of the download core (`downloadCore.ts`).
  Nothing here does I/O: a `Response`, a timer or a store stays with the
  driver (`FallbackJob.ts`), which names them by `RequestState.id`.
*/

/** How a request's body is read once its response is accepted. */
export type ReadMode =
  /** `response.blob()`: one chunk, no JavaScript copy. */
  | 'whole'
  /** A stream stored in parts (`readBody`). */
  | 'stream';

/** One request of a file, from `fetch` to `requestEnded`. */
export interface RequestState {
  /** Unique within the job: how events and commands name the request. */
  id: number;
  file: number;
  /** The bytes asked for (`end: null`: to the end). */
  range: ByteRange;
  /** The file generation its bytes belong to (see `StoredFile.generation`). */
  generation: number;
  /** When the request went out (ms). */
  startedAt: number;
  /** The driver was told to cut it (pause, abort, start over, stall). */
  cancelled: boolean;
  /** Cut for receiving nothing in time: a failure, unlike a pause. */
  stalled: boolean;
  /** First absolute byte of the body being read (set by `read`). */
  readStart: number;
  /** Bytes to read at most, `null`: to the end (set by `read`). */
  readLimit: number | null;
  readMode: ReadMode | null;
  /** It carries a Range header: its response is checked as a resume. */
  ranged: boolean;
  /**
   * The first request of a file, sent with `Range: bytes=0-<chunk-1>` and no
   * validator (firstRangeResponse.ts); false once its answer was a 200.
   */
  firstRange: boolean;
  /**
   * Its whole body is in memory (a `whole` read, not stored yet): it no
   * longer uses the link, so the next request may start while it is stored.
   */
  received: boolean;
  /** The head of a final error response waiting for its body. */
  errorHead: StoredResponseHead | null;
}

/** One file of the job: its persisted part and what lives in memory only. */
export interface FileState {
  /** The persisted state: the same object as `record.files[i]`. */
  stored: StoredFile;
  /** No request before this time (backoff), in ms. */
  retryAt: number;
  /**
   * When a failure of the file was last counted (`attempts`), in ms: a
   * request sent before it that fails is part of the same outage.
   */
  failedAt: number;
  /** Bytes read from streams and not stored yet. */
  receiving: number;
  /** Requests of the file whose bytes a miscounting browser refused (`usageMiscounted`), in this worker. */
  refusals: number;
  /**
   * The server answered a Range request with a whole 200 or refused it
   * (4xx) although it announced `Accept-Ranges`: read it as one stream.
   */
  rangesRefused: boolean;
}

/**
 * After a job's result is set: its settlement (the queue's handler, while
 * `matchAll()` works), then the purge of chunks and record.
 */
export type SettlementPhase = 'none' | 'settling' | 'purging' | 'gone';

/** Everything the core decides on. */
export interface DownloadState {
  /** The persisted record (saved by the `save` command). */
  record: StoredJob;
  /** One entry per file, in `record.files` order. */
  files: FileState[];
  /** Requests in flight. */
  requests: RequestState[];
  settings: FallbackSettings;
  /** A request failed for want of a network: nothing starts until `online`. */
  offline: boolean;
  /** `waitOnline` was sent and `online` did not come yet. */
  waitingOnline: boolean;
  /** Throughput of one request lately (bytes/s), `null` before a measure (kept in `record.rate`). */
  rate: number | null;
  /**
   * While `rate` is `null`: the length of the next request. It doubles
   * after each request too short to measure, so a fast link is not probed
   * with small requests for ever.
   */
  probeLength: number;
  /** The chunks of a record loaded after a worker start are still to be checked. */
  verify: 'no' | 'pending' | 'checking';
  /**
   * A check found every stored chunk, and no part was stored since: the
   * job may succeed (see `plan`).
   */
  checkedEnd: boolean;
  settlement: SettlementPhase;
  /** `matchAll()` works: false once the settlement ran. */
  recordsAvailable: boolean;
  nextRequestId: number;
  /**
   * The most requests in flight: `settings.maxInFlight`, lowered when the
   * server limits connections (see `statusFailure` in responseRules.ts;
   * kept in `record.inFlightCap`).
   */
  inFlightCap: number;
  /** The `at` of the last `wakeAt` sent (avoids repeating it). */
  wakeAt: number | null;
}

/** What the world tells the core with each event. */
export interface Env {
  /** Now, in ms. */
  now: number;
  /** `navigator.onLine`. */
  online: boolean;
  /** A number in [0, 1): backoff jitter. */
  random: () => number;
}

/** The parts of a response the core decides on. */
export interface ResponseSummary {
  status: number;
  ok: boolean;
  head: StoredResponseHead;
  validators: Validators;
  contentRange: string | null;
  contentLength: number | null;
  /** `fullLength()`: the body's length when it is known. */
  fullLength: number | null;
  acceptsRanges: boolean;
  /** It came from another origin than the worker's (the URL, or a redirect). */
  crossOrigin: boolean;
}

/** What happens to a job (the driver's calls, and I/O results). */
export type DownloadEvent =
  | {type: 'start'}
  | {type: 'pause'}
  | {type: 'resume'}
  | {type: 'abort'}
  /** The worker's registration is gone: end without an event, then delete everything of the job. */
  | {type: 'discard'}
  /** A backoff timer (`wakeAt`) fired. */
  | {type: 'tick'}
  /** The network is back (`waitOnline`). */
  | {type: 'online'}
  /** Result of `checkChunks`: per file, per stored chunk, whether it is still there. */
  | {type: 'chunksChecked'; present: boolean[][]}
  | {type: 'response'; request: number; response: ResponseSummary}
  /** `fetch()` rejected, or a body read failed (`quota`: the store refused its bytes). */
  | {type: 'requestFailed'; request: number; quota: StorageRefusal}
  /** The stall timer of a request (`watch`) fired. */
  | {type: 'stalled'; request: number}
  | {type: 'roomChecked'; request: number; ok: boolean}
  /** Bytes of a stream arrived (not stored yet). */
  | {type: 'bytes'; request: number; count: number}
  /** A part of a body was stored at `offset` (`stored: false`: dropped, no longer wanted). */
  | {type: 'partStored'; request: number; offset: number; size: number; stored: boolean}
  /** A `whole` body is in memory, before it is stored: the request leaves the link. */
  | {type: 'bodyReceived'; request: number; received: number}
  /** The body read ended: `received` bytes handed to `partStored`. */
  | {type: 'bodyRead'; request: number; received: number}
  /** The body of a final error response was stored (`size` bytes at 0). */
  | {type: 'errorBodyStored'; request: number; size: number}
  /** The request's work is over, whatever happened (its timer is cleared). */
  | {type: 'requestEnded'; request: number}
  /** Writing the record failed (`quota`: the store refused it). */
  | {type: 'saveFailed'; quota: StorageRefusal}
  /** The settlement handler returned (or threw). */
  | {type: 'settlementHandled'}
  /** Chunks and record are deleted. */
  | {type: 'purged'};

/**
 * Why the storage refused a write: `'full'`, the origin is out of room (the
 * job fails with `quota-exceeded`); `'miscounted'`, the browser's count of
 * the origin's usage is impossible and it refuses every write until it
 * restarts (the job is kept and waits); `false`: another error.
 */
export type StorageRefusal = false | 'full' | 'miscounted';

/** What the driver must do. */
export type DownloadCommand =
  | {type: 'save'}
  /** Send request `request` (after the record is saved when `afterSave`). */
  | {type: 'fetch'; request: number; resume: Validators | null; afterSave: boolean}
  /** Abort request `request` (its fetch or its body read). */
  | {type: 'cancel'; request: number}
  /** Discard the body of the response of `request`. */
  | {type: 'cancelBody'; request: number}
  /** (Re)start the stall timer of `request`: `stalled` unless called again within `ms`. */
  | {type: 'watch'; request: number; ms: number}
  | {type: 'checkRoom'; request: number; bytes: number}
  /** Read the body (see `RequestState.readMode`), `partStored` per part, then `bodyRead`. */
  | {type: 'read'; request: number; commitEvery: number; afterSave: boolean}
  /** Read and store the body of a final error response, then `errorBodyStored`. */
  | {type: 'storeErrorBody'; request: number}
  /** Delete the chunks of one generation of a file. */
  | {type: 'deleteGeneration'; file: number; generation: number}
  /** Send `tick` at `at` (ms). */
  | {type: 'wakeAt'; at: number}
  /** Send `online` when the network is back. */
  | {type: 'waitOnline'}
  /** Check which stored chunks are still there, then `chunksChecked`. */
  | {
      type: 'checkChunks';
      /**
       * Before a success: a deletion by the app took every chunk stored
       * before it, so each file's first stored chunk is asked first, and
       * the others only when one of those is gone.
       */
      end?: boolean;
    }
  /** Progress changed: publish it (throttled unless `immediate`). */
  | {type: 'progress'; immediate: boolean}
  /** The job stops being active: this last progress (taken before) goes out now. */
  | {type: 'finalProgress'; snapshot: RegistrationSnapshot}
  /** Run the settlement (`type` for `onSettled`), then `settlementHandled`. */
  | {type: 'settle'; kind: 'success' | 'fail' | 'abort'}
  /** `matchAll()` stops working. */
  | {type: 'recordsUnavailable'}
  /** Delete every chunk and the record, then `purged`. */
  | {type: 'purge'}
  /** The job is gone: the backend forgets it. */
  | {type: 'forget'}
  | {type: 'log'; level: 'debug' | 'warn' | 'error'; message: string};

/** The result of one event. */
export interface Step {
  /** False when the event could not happen (pausing a paused job…). */
  accepted: boolean;
  commands: DownloadCommand[];
}

/** A failure that ends a job at once. */
export type JobFailure = Extract<
  BackgroundFetchFailureReason,
  'quota-exceeded' | 'download-total-exceeded' | 'fetch-error'
>;

/**
 * The core's state for `record`, new or loaded.
 *
 * @param resumed True when `record` was loaded after a worker start: its
 *     chunks are checked before the job goes on.
 *
 * @private
 */
export function createDownloadState(
  record: StoredJob,
  settings: FallbackSettings,
  resumed: boolean,
): DownloadState {
  return {
    record,
    files: record.files.map((stored) => ({
      stored,
      retryAt: 0,
      failedAt: -Infinity,
      receiving: 0,
      refusals: 0,
      rangesRefused: false,
    })),
    requests: [],
    settings,
    offline: false,
    waitingOnline: false,
    rate: record.rate ?? null,
    probeLength: FIRST_CHUNK,
    verify: resumed ? 'pending' : 'no',
    checkedEnd: false,
    settlement: 'none',
    recordsAvailable: true,
    nextRequestId: 1,
    inFlightCap: Math.min(settings.maxInFlight, record.inFlightCap ?? Number.POSITIVE_INFINITY),
    wakeAt: null,
  };
}
