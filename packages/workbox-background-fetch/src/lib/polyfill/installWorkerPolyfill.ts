import {BackgroundFetchEvent, BackgroundFetchUpdateUIEvent} from './BackgroundFetchEvent.js';
import {defineGlobal} from './defineGlobal.js';
import {nativeManagerOf, nativeWorks} from './nativeManager.js';
import {createPolyfillManager, BackgroundFetchManager} from './PolyfillManager.js';
import {BackgroundFetchRecord, BackgroundFetchRegistration} from './PolyfillRegistration.js';
import {defineQuotaExceededError} from './QuotaExceededError.js';
import {WorkerJobs} from './WorkerJobs.js';

/** A class, as the `instanceof` patch below sees it. */
type Constructor = abstract new (...args: never[]) => unknown;

declare const self: ServiceWorkerGlobalScope;

const EVENT_TYPES = ['success', 'fail', 'abort', 'click'];

let installed = false;

/** `onbackgroundfetch<type>` on the global, as event handler attributes behave. */
function defineHandlerAttribute(type: string): void {
  const name = `onbackgroundfetch${type}`;
  let handler: EventListener | null = null;
  Object.defineProperty(self, name, {
    configurable: true,
    enumerable: true,
    get: () => handler,
    set: (value: unknown) => {
      if (handler) {
        self.removeEventListener(`backgroundfetch${type}`, handler);
      }
      handler = typeof value === 'function' ? (value as EventListener) : null;
      if (handler) {
        self.addEventListener(`backgroundfetch${type}`, handler);
      }
    },
  });
}

/**
 * Installs the Background Fetch API in a service worker: `self.registration
 * .backgroundFetch` (every engine; on Chromium it starts native jobs through
 * an open page, else runs the fallback), the `backgroundfetch*` events for
 * the jobs the fallback runs, their `onbackgroundfetch*` attributes, and
 * the interfaces where the engine lacks working ones. Call at the worker's
 * top level. Does nothing outside a service worker, and the second time.
 *
 * @private
 */
export function installWorkerPolyfill(): void {
  if (
    installed ||
    typeof ServiceWorkerGlobalScope === 'undefined' ||
    !(self instanceof ServiceWorkerGlobalScope)
  ) {
    return;
  }
  installed = true;
  const works = nativeWorks();
  const jobs = new WorkerJobs(works ? nativeManagerOf(self.registration) : undefined);
  const manager = createPolyfillManager(jobs.driver());
  if (works) {
    // Chromium keeps its interfaces; the polyfill's objects (the manager,
    // and the fallback's events, registrations and records) answer
    // `instanceof` with them too.
    const ours: Record<string, Constructor> = {
      BackgroundFetchManager,
      BackgroundFetchRegistration,
      BackgroundFetchRecord,
      BackgroundFetchEvent,
      BackgroundFetchUpdateUIEvent,
    };
    for (const [name, polyfill] of Object.entries(ours)) {
      const native = (self as unknown as Record<string, Constructor | undefined>)[name];
      if (typeof native === 'function') {
        Object.defineProperty(native, Symbol.hasInstance, {
          configurable: true,
          value(this: Constructor, object: unknown): boolean {
            return (
              Function.prototype[Symbol.hasInstance].call(this, object) ||
              object instanceof polyfill
            );
          },
        });
      }
    }
  } else {
    // Absent (Firefox), or present but refusing (WebKit's flag): ours.
    defineGlobal('BackgroundFetchManager', BackgroundFetchManager);
    defineGlobal('BackgroundFetchRegistration', BackgroundFetchRegistration);
    defineGlobal('BackgroundFetchRecord', BackgroundFetchRecord);
    defineGlobal('BackgroundFetchEvent', BackgroundFetchEvent);
    defineGlobal('BackgroundFetchUpdateUIEvent', BackgroundFetchUpdateUIEvent);
    for (const type of EVENT_TYPES) {
      if (!(`onbackgroundfetch${type}` in self)) {
        defineHandlerAttribute(type);
      }
    }
  }
  defineQuotaExceededError();
  const registration = self.registration;
  Object.defineProperty(ServiceWorkerRegistration.prototype, 'backgroundFetch', {
    configurable: true,
    enumerable: true,
    get(this: ServiceWorkerRegistration) {
      return this === registration ? manager : undefined;
    },
  });
}
