import {createError} from '../models/createError.js';
import {normalizeFetchArguments} from '../normalizeFetchArguments.js';
import {REPLACED_MANAGER} from './nativeManager.js';
import {POLYFILL_CONSTRUCT, toPolyfillRegistration} from './PolyfillRegistration.js';
import type {NormalizedFetchArguments} from '../normalizeFetchArguments.js';
import type {
  BackgroundFetchManager as ManagerShape,
  BackgroundFetchOptions,
  BackgroundFetchRegistration as RegistrationShape,
} from '../../types.js';

/**
 * Where a polyfilled manager's jobs run: the worker's engine (in the
 * worker) or messages to it (in a page). A job is either a registration
 * the browser made (returned as is) or one of this library's, which the
 * manager shows as a polyfill `BackgroundFetchRegistration`.
 *
 * @private
 */
export interface PolyfillDriver {
  /** The browser's own manager this one stands in for, if any. */
  readonly replaced?: ManagerShape;
  fetch(args: NormalizedFetchArguments): Promise<PolyfillJob>;
  get(id: string): Promise<PolyfillJob | undefined>;
  getIds(): Promise<string[]>;
}

/** A job as a driver reports it. @private */
export interface PolyfillJob {
  /** True when the browser runs it: the registration is handed out unchanged. */
  native?: boolean;
  registration: RegistrationShape;
}

function show(job: PolyfillJob): RegistrationShape {
  return job.native ? job.registration : toPolyfillRegistration(job.registration);
}

/**
 * The polyfill's `BackgroundFetchManager` (`registration.backgroundFetch`):
 * `fetch()`, `get()` and `getIds()` as the spec defines them, with the
 * spec's rejections, over a `PolyfillDriver`.
 */
export class BackgroundFetchManager implements ManagerShape {
  readonly #driver: PolyfillDriver;

  /** @private Not constructible by scripts, as natively. */
  constructor(key: symbol, driver: PolyfillDriver) {
    if (key !== POLYFILL_CONSTRUCT) {
      throw new TypeError('Illegal constructor.');
    }
    this.#driver = driver;
    Object.defineProperty(this, REPLACED_MANAGER, {value: driver.replaced});
  }

  /**
   * Starts a background fetch. Rejects with a `TypeError` for an empty
   * list, a `no-cors` request, credentials in a URL, an id still active or
   * no active worker, with a `QuotaExceededError` when `downloadTotal` does
   * not fit.
   */
  async fetch(
    id: string,
    requests: RequestInfo | URL | Array<RequestInfo | URL>,
    options: BackgroundFetchOptions = {},
  ): Promise<RegistrationShape> {
    const args = normalizeFetchArguments(id, requests, options ?? {});
    return show(await this.#driver.fetch(args));
  }

  /** The active job `id`, or `undefined`. */
  async get(id: string): Promise<RegistrationShape | undefined> {
    if (typeof id !== 'string' || id === '') {
      throw createError('invalid-id', {id}, 'TypeError');
    }
    const job = await this.#driver.get(id);
    return job && show(job);
  }

  /** The ids of the active jobs. */
  getIds(): Promise<string[]> {
    return this.#driver.getIds();
  }
}

/**
 * A polyfilled manager over `driver`.
 *
 * @private
 */
export function createPolyfillManager(driver: PolyfillDriver): BackgroundFetchManager {
  return new BackgroundFetchManager(POLYFILL_CONSTRUCT, driver);
}
