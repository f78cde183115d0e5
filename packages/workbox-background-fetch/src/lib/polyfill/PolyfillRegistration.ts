import {enumerateAccessors} from './defineGlobal.js';
import {responseWithUrl} from '../responseWithUrl.js';
import type {
  BackgroundFetchFailureReason,
  BackgroundFetchRecord as RecordShape,
  BackgroundFetchRegistration as RegistrationShape,
  BackgroundFetchResult,
} from '../../types.js';

/** Lets this library construct the interfaces scripts may not (`new` throws, as natively). */
const CONSTRUCT = Symbol('construct');

function illegal(): TypeError {
  return new TypeError('Illegal constructor.');
}

/**
 * A response with a non-ok status as native Background Fetch hands it out
 * (and the web-platform-tests expect): status, headers and URL, no body.
 */
function withoutErrorBody(response: Response): Response {
  if (response.ok) {
    return response;
  }
  const empty = new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  return responseWithUrl(empty, response.url);
}

/**
 * The polyfill's `BackgroundFetchRecord`: a request of a job and the promise
 * of its response. Handed out by `match()` / `matchAll()` only.
 */
export class BackgroundFetchRecord implements RecordShape {
  readonly #record: RecordShape;

  /** @private Not constructible by scripts, as natively. */
  constructor(key: symbol, record: RecordShape) {
    if (key !== CONSTRUCT) {
      throw illegal();
    }
    const responseReady = record.responseReady.then(withoutErrorBody);
    responseReady.catch(() => undefined);
    this.#record = {request: record.request, responseReady};
  }
  /** The request, as given to `fetch()`. */
  get request(): Request {
    return this.#record.request;
  }
  /** The complete response; rejects `AbortError` (aborted) or `TypeError` (failed). */
  get responseReady(): Promise<Response> {
    return this.#record.responseReady;
  }
}
enumerateAccessors(BackgroundFetchRecord.prototype, ['request', 'responseReady']);

/**
 * The polyfill's `BackgroundFetchRegistration`, a view of a job that this
 * library runs (a `SnapshotRegistration` of the worker's fallback engine, or
 * of a page's view of it): live fields, `progress` events and `onprogress`,
 * `abort()`, `match()`, `matchAll()`. Its fields are enumerable, as WebIDL
 * attributes are.
 */
export class BackgroundFetchRegistration extends EventTarget implements RegistrationShape {
  readonly #job: RegistrationShape;
  #onprogress: ((this: RegistrationShape, ev: Event) => unknown) | null = null;

  /** @private Not constructible by scripts, as natively. */
  constructor(key: symbol, job: RegistrationShape) {
    if (key !== CONSTRUCT) {
      throw illegal();
    }
    super();
    this.#job = job;
    job.addEventListener('progress', () => this.dispatchEvent(new Event('progress')));
  }

  get id(): string {
    return this.#job.id;
  }
  get uploadTotal(): number {
    return this.#job.uploadTotal;
  }
  get uploaded(): number {
    return this.#job.uploaded;
  }
  get downloadTotal(): number {
    return this.#job.downloadTotal;
  }
  get downloaded(): number {
    return this.#job.downloaded;
  }
  get result(): BackgroundFetchResult {
    return this.#job.result;
  }
  get failureReason(): BackgroundFetchFailureReason {
    return this.#job.failureReason;
  }
  get recordsAvailable(): boolean {
    return this.#job.recordsAvailable;
  }
  get onprogress(): ((this: RegistrationShape, ev: Event) => unknown) | null {
    return this.#onprogress;
  }
  set onprogress(handler) {
    if (this.#onprogress) {
      this.removeEventListener('progress', this.#onprogress as EventListener);
    }
    this.#onprogress = typeof handler === 'function' ? handler : null;
    if (this.#onprogress) {
      this.addEventListener('progress', this.#onprogress as EventListener);
    }
  }

  /** Stops the job; resolves `false` when it is no longer active. */
  abort(): Promise<boolean> {
    return this.#job.abort();
  }

  /** The first record whose request matches, or `undefined`. */
  async match(
    request: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord | undefined> {
    // biome-ignore lint/complexity/noArguments: match() without an argument throws as natively, match(undefined) does not.
    if (arguments.length === 0) {
      throw new TypeError('match() needs a request to match.');
    }
    const [record] = await this.matchAll(request, options);
    return record;
  }

  /**
   * The records whose requests match (all without `request`). Rejects with
   * `InvalidStateError` once `recordsAvailable` is false.
   */
  async matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    const records = await this.#job.matchAll(request, options);
    return records.map((record) => new BackgroundFetchRecord(CONSTRUCT, record));
  }
}
enumerateAccessors(BackgroundFetchRegistration.prototype, [
  'id',
  'uploadTotal',
  'uploaded',
  'downloadTotal',
  'downloaded',
  'result',
  'failureReason',
  'recordsAvailable',
  'onprogress',
]);

const views = new WeakMap<RegistrationShape, BackgroundFetchRegistration>();

/**
 * The polyfill's registration for a job this library runs (one view per
 * job object, so the worker's `get()` and the event share it).
 *
 * @private
 */
export function toPolyfillRegistration(job: RegistrationShape): BackgroundFetchRegistration {
  let view = views.get(job);
  if (!view) {
    view = new BackgroundFetchRegistration(CONSTRUCT, job);
    views.set(job, view);
  }
  return view;
}

export {CONSTRUCT as POLYFILL_CONSTRUCT};
