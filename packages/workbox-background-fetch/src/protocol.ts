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
export {createError} from './lib/models/createError.js';
export {SnapshotRegistration} from './lib/SnapshotRegistration.js';
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
  | {type: 'WBF_PAGE_LOADED'};

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

/** Turns a Request into something postMessage can carry. */
export async function serializeRequest(
  request: Request,
): Promise<SerializedRequest> {
  const serialized: SerializedRequest = {
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    mode: request.mode,
    credentials: request.credentials,
    cache: request.cache,
    redirect: request.redirect,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
    integrity: request.integrity,
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    serialized.body = await request.clone().arrayBuffer();
  }
  return serialized;
}

/** The inverse of `serializeRequest`. */
export function deserializeRequest(serialized: SerializedRequest): Request {
  // 'navigate' cannot be set from script; a page sends 'cors' or
  // 'same-origin' here anyway (no-cors is refused earlier).
  const mode = serialized.mode === 'navigate' ? 'same-origin' : serialized.mode;
  // An 'about:client' referrer is the default; passing it back is an error.
  const referrer =
    serialized.referrer && serialized.referrer !== 'about:client'
      ? serialized.referrer
      : undefined;
  return new Request(serialized.url, {
    method: serialized.method,
    headers: serialized.headers,
    mode,
    credentials: serialized.credentials,
    cache: serialized.cache,
    redirect: serialized.redirect,
    referrer,
    referrerPolicy: serialized.referrerPolicy,
    integrity: serialized.integrity || undefined,
    body: serialized.body,
  });
}

/** Turns an error into something postMessage can carry. */
export function serializeError(error: unknown): {name: string; message: string} {
  if (error instanceof Error || error instanceof DOMException) {
    return {name: error.name, message: error.message};
  }
  return {name: 'Error', message: String(error)};
}

/** The inverse of `serializeError`: a TypeError, a DOMException or an Error. */
export function deserializeError(error: {name: string; message: string}): Error {
  if (error.name === 'TypeError') {
    return new TypeError(error.message);
  }
  if (error.name === 'Error') {
    return new Error(error.message);
  }
  const known = [
    'AbortError',
    'InvalidStateError',
    'NotAllowedError',
    'QuotaExceededError',
    'TimeoutError',
  ];
  if (known.includes(error.name)) {
    return new DOMException(error.message, error.name);
  }
  return Object.assign(new Error(error.message), {name: error.name});
}
