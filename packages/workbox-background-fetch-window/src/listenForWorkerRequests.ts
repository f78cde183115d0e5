import {
  deserializeRequest,
  nativeManagerOf,
  serializeError,
} from 'workbox-background-fetch/internal';
import type {Reply, WorkerToPageMessage} from 'workbox-background-fetch/internal';
import {createWindowError} from './lib/models/createWindowError.js';

let listening = false;

/**
 * Lets the service worker start native background fetches through this
 * page: Chrome refuses `backgroundFetch.fetch()` inside a worker, so a
 * `BackgroundFetchQueue` asks an open page to do it. Installed once.
 *
 * @private
 */
export function listenForWorkerRequests(): void {
  if (listening || !('serviceWorker' in navigator)) {
    return;
  }
  listening = true;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const message = event.data as WorkerToPageMessage | undefined;
    if (message?.type !== 'WBF_START_NATIVE') {
      return;
    }
    const port = event.ports[0];
    void (async () => {
      const registration = await navigator.serviceWorker.ready;
      const manager = nativeManagerOf(registration);
      if (!manager) {
        throw createWindowError('no-native-api', {}, 'NotAllowedError');
      }
      await manager.fetch(message.jobId, message.requests.map(deserializeRequest), message.options);
    })().then(
      () => port?.postMessage({ok: true, value: null} satisfies Reply<null>),
      (error: unknown) =>
        port?.postMessage({ok: false, error: serializeError(error)} satisfies Reply<null>),
    );
  });
  navigator.serviceWorker.startMessages();
}
