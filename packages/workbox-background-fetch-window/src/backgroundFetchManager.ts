import type {HelloReply} from 'workbox-background-fetch/internal';
import {createError} from 'workbox-background-fetch/internal';
import {WindowBackgroundFetchManager} from './WindowBackgroundFetchManager.js';
import {listenForWorkerRequests} from './listenForWorkerRequests.js';
import {messageWorker} from './messageWorker.js';
import {createWindowError} from './lib/models/createWindowError.js';
import {waitForActiveWorker} from './lib/waitForActiveWorker.js';

/** The default of `BackgroundFetchManagerOptions.timeout`. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Options of `backgroundFetchManager()`. */
export interface BackgroundFetchManagerOptions {
  /**
   * The name of the worker's `BackgroundFetchQueue` to use. May be left out
   * when the worker has exactly one queue.
   */
  queue?: string;
  /**
   * Milliseconds to wait for an active service worker, then again for its
   * queues to answer, before rejecting with an error that says what is
   * wrong (default 10 000). Raise it when the worker's install precaches a
   * lot on slow networks.
   */
  timeout?: number;
  /**
   * The service worker script to register first, like
   * `navigator.serviceWorker.register(serviceWorker, {scope})`. Optional:
   * without it, register the worker yourself. With it, a script that fails
   * (404, an error while it starts, a missing `importScripts()` file) is
   * named in the rejection, with the reason.
   */
  serviceWorker?: string | URL;
  /** The scope to register `serviceWorker` with (default: its folder). */
  scope?: string;
}

/**
 * Waits for the page's service worker and returns a
 * `BackgroundFetchManager` for one of its queues, that works on every
 * engine: native Background Fetch where the browser allows it, the worker's
 * chunked fallback elsewhere.
 *
 * Never waits for ever: rejects with a `WorkboxBackgroundFetchError` whose
 * `code` and message say what to fix when no service worker is registered
 * for the page (`no-registration`), when it failed to install
 * (`worker-install-failed`, naming the script and why when fetching it
 * tells), when it is still not active after `timeout`
 * (`worker-not-activated`), or when no queue answers (`no-queue-answer`).
 *
 * Also lets the worker start native jobs through this page, and wakes the
 * worker so it resumes unfinished fallback downloads.
 *
 * ```js
 * import {backgroundFetchManager} from 'workbox-background-fetch-window';
 *
 * const manager = await backgroundFetchManager({queue: 'episodes', serviceWorker: '/sw.js'});
 * const registration = await manager.fetch('ep-5', ['/media/ep-5.mp3'], {title: 'Episode 5'});
 * registration.addEventListener('progress', () => {
 *   console.log(registration.downloaded, registration.result);
 * });
 * ```
 */
export async function backgroundFetchManager(
  options: BackgroundFetchManagerOptions = {},
): Promise<WindowBackgroundFetchManager> {
  if (!('serviceWorker' in navigator)) {
    throw createWindowError('no-service-worker-api', {}, 'TypeError');
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw createWindowError('invalid-timeout', {timeout}, 'TypeError');
  }
  listenForWorkerRequests();
  const registration = await waitForActiveWorker({
    timeout,
    serviceWorker: options.serviceWorker,
    scope: options.scope,
  });
  let reply: HelloReply;
  try {
    reply = await messageWorker<HelloReply>(registration, {type: 'WBF_HELLO'}, timeout);
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw createWindowError('no-queue-answer', {url: registration.active?.scriptURL, timeout});
    }
    throw error;
  }
  const {queues} = reply;
  const names = queues.map(({name}) => name);
  let queue = queues[0];
  if (options.queue !== undefined) {
    queue = queues.find(({name}) => name === options.queue)!;
    if (!queue) {
      throw createError('unknown-queue', {name: options.queue, known: names});
    }
  } else if (queues.length !== 1) {
    throw queues.length === 0
      ? createError('unknown-queue', {name: '(default)', known: names})
      : createError('ambiguous-queue', {known: names});
  }
  // Wake the worker: it resumes unfinished fallback downloads.
  messageWorker(registration, {type: 'WBF_PING'}).catch(() => undefined);
  return new WindowBackgroundFetchManager(registration, queue);
}
