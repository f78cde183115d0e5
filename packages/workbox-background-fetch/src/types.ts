/*
  Background Fetch types (WICG Background Fetch spec). The standard DOM and
  WebWorker libs of TypeScript do not declare them, so this package ships
  them for its own use and for its users.
*/

/** `BackgroundFetchRegistration.result`: '' while active. */
export type BackgroundFetchResult = '' | 'success' | 'failure';

/** `BackgroundFetchRegistration.failureReason`: '' unless the job failed. */
export type BackgroundFetchFailureReason =
  | ''
  | 'aborted'
  | 'bad-status'
  | 'fetch-error'
  | 'quota-exceeded'
  | 'download-total-exceeded';

/** An icon for the download UI (the spec's `ImageResource` dictionary). */
export interface ImageResource {
  src: string;
  sizes?: string;
  type?: string;
  label?: string;
}

/** What `updateUI()` accepts. */
export interface BackgroundFetchUIOptions {
  title?: string;
  icons?: ImageResource[];
}

/** The third argument of `BackgroundFetchManager.fetch()`. */
export interface BackgroundFetchOptions extends BackgroundFetchUIOptions {
  /** Upper bound of bytes to download; 0 or absent means unknown. */
  downloadTotal?: number;
}

/** A request of a job and the promise of its response. */
export interface BackgroundFetchRecord {
  readonly request: Request;
  /**
   * Resolves with the response once it is complete. Rejects with an
   * `AbortError` DOMException when the job was aborted, with a `TypeError`
   * when the response could not be fetched.
   */
  readonly responseReady: Promise<Response>;
}

/** The state of one background fetch job. */
export interface BackgroundFetchRegistration extends EventTarget {
  readonly id: string;
  readonly uploadTotal: number;
  readonly uploaded: number;
  readonly downloadTotal: number;
  readonly downloaded: number;
  readonly result: BackgroundFetchResult;
  readonly failureReason: BackgroundFetchFailureReason;
  readonly recordsAvailable: boolean;
  onprogress: ((this: BackgroundFetchRegistration, ev: Event) => unknown) | null;
  abort(): Promise<boolean>;
  match(
    request: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord | undefined>;
  matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]>;
}

/** `ServiceWorkerRegistration.backgroundFetch`. */
export interface BackgroundFetchManager {
  fetch(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options?: BackgroundFetchOptions,
  ): Promise<BackgroundFetchRegistration>;
  get(id: string): Promise<BackgroundFetchRegistration | undefined>;
  getIds(): Promise<string[]>;
}

/**
 * `backgroundfetchabort` and `backgroundfetchclick`: an `ExtendableEvent`.
 * Declared on `Event` with `waitUntil()` (what `ExtendableEvent` adds) so
 * that this file also type-checks in pages, whose DOM lib has no
 * `ExtendableEvent`; in a worker it is assignable to `ExtendableEvent`.
 */
export interface BackgroundFetchEvent extends Event {
  /** Extends the event's lifetime until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
  readonly registration: BackgroundFetchRegistration;
}

/** `backgroundfetchsuccess` and `backgroundfetchfail`. */
export interface BackgroundFetchUpdateUIEvent extends BackgroundFetchEvent {
  /**
   * Updates the browser's download UI. Once per event, only while the event
   * is active; otherwise rejects with an `InvalidStateError`.
   */
  updateUI(options?: BackgroundFetchUIOptions): Promise<void>;
}

declare global {
  interface ServiceWorkerRegistration {
    /** Present only where the browser implements Background Fetch. */
    readonly backgroundFetch?: BackgroundFetchManager;
  }
  // Exists in the WebWorker lib; declared empty elsewhere so this file
  // compiles under the DOM lib too.
  interface ServiceWorkerGlobalScopeEventMap {
    backgroundfetchsuccess: BackgroundFetchUpdateUIEvent;
    backgroundfetchfail: BackgroundFetchUpdateUIEvent;
    backgroundfetchabort: BackgroundFetchEvent;
    backgroundfetchclick: BackgroundFetchEvent;
  }
}
