/*
  The page <-> service worker protocol of workbox-background-fetch, shared by
  this package (worker side) and workbox-background-fetch-window (page side):
  wire types and channel names only, no runtime code. The page package
  reaches it through `workbox-background-fetch/internal` (not a public API).

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
  BackgroundFetchUIOptions,
} from './types.js';

/** Name of the BroadcastChannel that carries progress and results. */
export const CHANNEL_NAME = 'workbox-background-fetch';

/** Name of the BroadcastChannel that carries download library changes. */
export const LIBRARY_CHANNEL_NAME = 'workbox-background-fetch-library';

/** An entry of a queue's download library was added or removed. */
export interface LibraryChangeMessage {
  type: 'WBF_LIBRARY_CHANGE';
  queue: string;
  /** The job id given to `fetch()`. */
  id: string;
  change: 'added' | 'removed';
}

/**
 * The queue name of the jobs of the polyfilled `registration.backgroundFetch`
 * (a hidden queue of the worker polyfill; pages address it with it).
 */
export const POLYFILL_QUEUE = 'wbf-native-api';

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
      /**
       * Wait for the response of the record at this position of the result
       * (up to a limit), and answer only that record.
       */
      waitFor?: number;
    }
  | {type: 'WBF_LIBRARY_LIST'; queue: string}
  | {type: 'WBF_LIBRARY_GET'; queue: string; id: string}
  | {type: 'WBF_LIBRARY_REMOVE'; queue: string; id: string}
  /** A page starts a native job: keep its title and icons for the library. */
  | {type: 'WBF_LIBRARY_PREPARE'; queue: string; id: string; options: BackgroundFetchUIOptions}
  /** That native job did not start after all: forget its title and icons. */
  | {type: 'WBF_LIBRARY_FORGET'; queue: string; id: string}
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
  | {ok: false; error: {name: string; message: string; code?: string}};
