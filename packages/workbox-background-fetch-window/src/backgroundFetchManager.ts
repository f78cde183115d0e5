import {createError} from 'workbox-background-fetch/protocol';
import type {HelloReply} from 'workbox-background-fetch/protocol';
import {WindowBackgroundFetchManager} from './WindowBackgroundFetchManager.js';
import {listenForWorkerRequests} from './listenForWorkerRequests.js';
import {messageWorker} from './messageWorker.js';

/** Options of `backgroundFetchManager()`. */
export interface BackgroundFetchManagerOptions {
  /**
   * The name of the worker's `BackgroundFetchQueue` to use. May be left out
   * when the worker has exactly one queue.
   */
  queue?: string;
}

/**
 * Waits for the page's service worker (`navigator.serviceWorker.ready`) and
 * returns a `BackgroundFetchManager` for one of its queues, that works on
 * every engine: native Background Fetch where the browser allows it, the
 * worker's chunked fallback elsewhere.
 *
 * Also lets the worker start native jobs through this page, and wakes the
 * worker so it resumes unfinished fallback downloads.
 *
 * ```js
 * import {backgroundFetchManager} from 'workbox-background-fetch-window';
 *
 * const manager = await backgroundFetchManager({queue: 'episodes'});
 * const registration = await manager.fetch('ep-5', ['/media/ep-5.mp3'], {
 *   title: 'Episode 5',
 *   downloadTotal: 60 * 1024 * 1024,
 * });
 * registration.addEventListener('progress', () => {
 *   console.log(registration.downloaded, registration.result);
 * });
 * ```
 */
export async function backgroundFetchManager(
  options: BackgroundFetchManagerOptions = {},
): Promise<WindowBackgroundFetchManager> {
  if (!('serviceWorker' in navigator)) {
    throw createError('no-active-worker', {}, 'TypeError');
  }
  listenForWorkerRequests();
  const registration = await navigator.serviceWorker.ready;
  const {queues} = await messageWorker<HelloReply>(registration, {type: 'WBF_HELLO'});
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
