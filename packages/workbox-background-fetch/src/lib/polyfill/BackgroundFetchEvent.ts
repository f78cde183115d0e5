import {createError} from '../models/createError.js';
import {enumerateAccessors} from './defineGlobal.js';
import type {
  BackgroundFetchRegistration as RegistrationShape,
  BackgroundFetchUIOptions,
} from '../../types.js';

declare const self: ServiceWorkerGlobalScope;

/** `new BackgroundFetchEvent(type, init)`'s init. */
export interface BackgroundFetchEventInit extends ExtendableEventInit {
  registration: RegistrationShape;
}

/** The lifetime of a dispatched event: the spec's "active" flag and extend-lifetime promises. */
interface Lifetime {
  dispatching: boolean;
  pending: number;
  promises: Array<Promise<unknown>>;
  updateUI?: (options?: BackgroundFetchUIOptions) => Promise<void>;
  uiUsed: boolean;
}

const lifetimes = new WeakMap<Event, Lifetime>();

function isActive(lifetime: Lifetime | undefined): boolean {
  return lifetime !== undefined && (lifetime.dispatching || lifetime.pending > 0);
}

/**
 * The polyfill's `BackgroundFetchEvent` (`backgroundfetchabort`,
 * `backgroundfetchclick`): an `ExtendableEvent` with `registration`. Its
 * `waitUntil()` works on the events the polyfill dispatches (a script-made
 * `ExtendableEvent` would refuse it) and keeps the worker alive.
 */
export class BackgroundFetchEvent extends ExtendableEvent {
  readonly #registration: RegistrationShape;

  constructor(type: string, init: BackgroundFetchEventInit) {
    super(type, init);
    if (!init || typeof init.registration !== 'object' || init.registration === null) {
      throw new TypeError(`${type}: init.registration is required.`);
    }
    this.#registration = init.registration;
  }

  /** The job the event is about. */
  get registration(): RegistrationShape {
    return this.#registration;
  }

  /**
   * Extends the event (and the job's records) until `promise` settles.
   * Throws `InvalidStateError` once the event is no longer active.
   */
  override waitUntil(promise: Promise<unknown>): void {
    const lifetime = lifetimes.get(this);
    if (!lifetime) {
      super.waitUntil(promise);
      return;
    }
    if (!isActive(lifetime)) {
      throw createError('event-not-active', {type: this.type}, 'InvalidStateError');
    }
    lifetime.pending += 1;
    const settled = Promise.resolve(promise).then(
      () => undefined,
      () => undefined,
    );
    lifetime.promises.push(settled);
    // As the spec does: the count drops in a microtask after the promise
    // settles, so a handler chained on it may still extend the event.
    void settled.then(() => queueMicrotask(() => (lifetime.pending -= 1)));
  }
}
enumerateAccessors(BackgroundFetchEvent.prototype, ['registration']);

/**
 * The polyfill's `BackgroundFetchUpdateUIEvent` (`backgroundfetchsuccess`,
 * `backgroundfetchfail`): a `BackgroundFetchEvent` with `updateUI()`.
 */
export class BackgroundFetchUpdateUIEvent extends BackgroundFetchEvent {
  /**
   * Replaces the title and icons of the job's UI (the fallback's
   * notification). Once per event, while it is active; otherwise rejects
   * with `InvalidStateError`.
   */
  async updateUI(options?: BackgroundFetchUIOptions): Promise<void> {
    const lifetime = lifetimes.get(this);
    if (!lifetime?.updateUI || !isActive(lifetime) || lifetime.uiUsed) {
      throw createError('update-ui-not-allowed', {}, 'InvalidStateError');
    }
    lifetime.uiUsed = true;
    await lifetime.updateUI(options);
  }
}

/**
 * Dispatches `backgroundfetch<type>` on the worker's global for `registration`
 * and resolves once the event and every promise its handlers gave
 * `waitUntil()` settled. Handler errors are reported as uncaught errors, as
 * natively, and do not stop the job's clean-up.
 *
 * @private
 */
export async function dispatchBackgroundFetchEvent(
  type: 'success' | 'fail' | 'abort' | 'click',
  registration: RegistrationShape,
  updateUI?: (options?: BackgroundFetchUIOptions) => Promise<void>,
): Promise<void> {
  const name = `backgroundfetch${type}`;
  const withUI = type === 'success' || type === 'fail';
  const Event = withUI ? BackgroundFetchUpdateUIEvent : BackgroundFetchEvent;
  const event = new Event(name, {registration});
  const lifetime: Lifetime = {
    dispatching: true,
    pending: 0,
    promises: [],
    updateUI: withUI ? updateUI : undefined,
    uiUsed: false,
  };
  lifetimes.set(event, lifetime);
  try {
    self.dispatchEvent(event);
  } finally {
    lifetime.dispatching = false;
  }
  // Handlers may extend the event while earlier promises run.
  let done = 0;
  do {
    const batch = lifetime.promises.slice(done);
    done = lifetime.promises.length;
    await Promise.all(batch);
    // Let the microtask-deferred decrements run.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  } while (done < lifetime.promises.length);
}
