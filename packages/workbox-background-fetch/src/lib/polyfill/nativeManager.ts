import type {BackgroundFetchManager} from '../../types.js';

/**
 * The property a polyfilled `BackgroundFetchManager` carries, holding the
 * browser's own manager it replaced (`undefined` where there was none or it
 * refuses). A registered symbol, so separately bundled copies of this
 * library (page IIFE, worker IIFE, ESM) recognise each other's managers.
 *
 * @private
 */
export const REPLACED_MANAGER = Symbol.for('workbox-background-fetch.replaced-manager');

/**
 * The browser's own Background Fetch manager of `registration`, looking
 * through the polyfill: queues and the page manager drive native jobs
 * themselves and must never go through the polyfill's manager.
 *
 * @private
 */
export function nativeManagerOf(
  registration: ServiceWorkerRegistration | undefined,
): BackgroundFetchManager | undefined {
  const manager = registration?.backgroundFetch as
    | (BackgroundFetchManager & {[REPLACED_MANAGER]?: BackgroundFetchManager})
    | undefined;
  if (manager && REPLACED_MANAGER in manager) {
    return manager[REPLACED_MANAGER];
  }
  return manager;
}

/**
 * Whether the browser's own Background Fetch works in this global. Only
 * Chromium's does; WebKit's (behind a flag) is present but refuses every
 * `fetch()` with `NotAllowedError`, which no synchronous check can see, so
 * the test is "native interface present, in a Chromium engine"
 * (`navigator.userAgentData`, which only Chromium exposes).
 *
 * @private
 */
export function nativeWorks(): boolean {
  return 'BackgroundFetchManager' in self && 'userAgentData' in navigator;
}
