/*
  The page <-> service worker protocol of workbox-background-fetch, shared by
  this package (worker side) and workbox-background-fetch-window (page side).

  - Requests from a page go to the active worker with postMessage and a
    MessageChannel port for the reply ({ok: true, value} or {ok: false,
    error: {name, message}}).
  - Requests from the worker to a page (start a native job: Chrome refuses
    backgroundFetch.fetch() inside a service worker) go to a window client the
    same way.
  - Progress and results go to every page over one BroadcastChannel.

  Every field name here is plain (never `_`-prefixed): production builds
  mangle `_` names, and these objects cross postMessage.
*/
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchOptions,
  BackgroundFetchResult,
} from './types.js';

export {normalizeFetchArguments} from './lib/normalizeFetchArguments.js';
export {toJobId, fromJobId} from './lib/jobId.js';
export {buildError, createError} from './lib/models/createError.js';
export {SnapshotRegistration} from './lib/SnapshotRegistration.js';
export {askClient} from './lib/askClient.js';
export {matchAllNative, nativeTotals} from './lib/native/readNative.js';
export {
  deserializeError,
  deserializeRequest,
  serializeError,
  serializeRequest,
} from './lib/serialization.js';
export type {NormalizedFetchArguments} from './lib/normalizeFetchArguments.js';

/** Name of the BroadcastChannel that carries progress and results. */
export const CHANNEL_NAME = 'workbox-background-fetch';

/** Which backend runs a job. */
export type BackendKind = 'native' | 'fallback';

/** A registration's state, as it crosses postMessage. */
export interface RegistrationSnapshot {
  /** The caller's id (without the queue prefix). */
  id: string;
  queue: string;
  backend: BackendKind;
  uploadTotal: number;
  uploaded: number;
  downloadTotal: number;
  downloaded: number;
  result: BackgroundFetchResult;
  failureReason: BackgroundFetchFailureReason;
  recordsAvailable: boolean;
  /** Extension of the fallback backend: true while paused. */
  paused?: boolean;
}

/** A Request, as it crosses postMessage. */
export interface SerializedRequest {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  mode: RequestMode;
  credentials: RequestCredentials;
  cache: RequestCache;
  redirect: RequestRedirect;
  referrer: string;
  referrerPolicy: ReferrerPolicy;
  integrity: string;
  body?: ArrayBuffer;
}

/** A Response, as it crosses postMessage. */
export interface SerializedResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Blob;
}

/** A record, as it crosses postMessage (fallback jobs read from a page). */
export interface SerializedRecord {
  request: SerializedRequest;
  /** Absent when the response is not (yet) available. */
  response?: SerializedResponse;
  /** Why `response` is absent: 'AbortError', 'TypeError' or 'pending'. */
  error?: string;
}

/** Queue description a worker gives a page. */
export interface QueueInfo {
  name: string;
  forceFallback: boolean;
}

/** Messages a page sends to the worker. */
export type PageToWorkerMessage =
  | {type: 'WBF_HELLO'}
  | {
      type: 'WBF_FETCH';
      queue: string;
      id: string;
      requests: SerializedRequest[];
      options: BackgroundFetchOptions;
    }
  | {type: 'WBF_GET'; queue: string; id: string}
  | {type: 'WBF_GET_IDS'; queue: string}
  | {type: 'WBF_ABORT'; queue: string; id: string}
  | {type: 'WBF_PAUSE'; queue: string; id: string}
  | {type: 'WBF_RESUME'; queue: string; id: string}
  | {
      type: 'WBF_MATCH_ALL';
      queue: string;
      id: string;
      request?: SerializedRequest;
      options?: CacheQueryOptions;
    }
  /** A page loaded, or watches a fallback download: wake and keep working. */
  | {type: 'WBF_PING'};

/** Replies to a page's message. */
export interface HelloReply {
  queues: QueueInfo[];
}

/** Messages the worker sends to one window client. */
export type WorkerToPageMessage = {
  type: 'WBF_START_NATIVE';
  jobId: string;
  requests: SerializedRequest[];
  options: BackgroundFetchOptions;
};

/** Messages on the BroadcastChannel. */
export type BroadcastMessage =
  | {type: 'WBF_PROGRESS'; snapshot: RegistrationSnapshot}
  | {
      type: 'WBF_SETTLED';
      event: 'success' | 'fail' | 'abort';
      snapshot: RegistrationSnapshot;
    };

/** Every reply on a MessageChannel port. */
export type Reply<T> =
  | {ok: true; value: T}
  | {ok: false; error: {name: string; message: string}};
