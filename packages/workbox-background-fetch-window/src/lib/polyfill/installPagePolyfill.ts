import {
  BackgroundFetchManager,
  BackgroundFetchRecord,
  BackgroundFetchRegistration,
  createPolyfillManager,
  defineGlobal,
  defineQuotaExceededError,
  nativeWorks,
} from 'workbox-background-fetch/internal';
import {listenForWorkerRequests} from '../../listenForWorkerRequests.js';
import {pageDriver} from './pageDriver.js';

let installed = false;

/**
 * Installs the Background Fetch API in a page where the browser's is
 * missing (Firefox) or refuses (WebKit's flag): `ServiceWorkerRegistration
 * .prototype.backgroundFetch` and the interfaces, over the worker polyfill.
 * Where native Background Fetch works (Chromium) it changes nothing, and
 * only lets the worker polyfill start native jobs through this page.
 *
 * @private
 */
export function installPagePolyfill(): void {
  if (installed || typeof ServiceWorkerRegistration === 'undefined') {
    return;
  }
  installed = true;
  if (nativeWorks()) {
    listenForWorkerRequests();
    return;
  }
  defineGlobal('BackgroundFetchManager', BackgroundFetchManager);
  defineGlobal('BackgroundFetchRegistration', BackgroundFetchRegistration);
  defineGlobal('BackgroundFetchRecord', BackgroundFetchRecord);
  defineQuotaExceededError();
  const managers = new WeakMap<ServiceWorkerRegistration, BackgroundFetchManager>();
  Object.defineProperty(ServiceWorkerRegistration.prototype, 'backgroundFetch', {
    configurable: true,
    enumerable: true,
    get(this: ServiceWorkerRegistration) {
      let manager = managers.get(this);
      if (!manager) {
        manager = createPolyfillManager(pageDriver(this));
        managers.set(this, manager);
      }
      return manager;
    },
  });
}
