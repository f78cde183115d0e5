import {askClient} from 'workbox-background-fetch/protocol';
import type {PageToWorkerMessage} from 'workbox-background-fetch/protocol';

/** How long the worker may take to answer (it may have to start first). */
const WORKER_REPLY_TIMEOUT_MS = 30000;

/**
 * Sends `message` to the registration's active worker and resolves with its
 * reply's value (or rejects with the error it sent back, or a
 * `TimeoutError` after `timeoutMs`).
 *
 * @private
 */
export function messageWorker<T>(
  registration: ServiceWorkerRegistration,
  message: PageToWorkerMessage,
  timeoutMs = WORKER_REPLY_TIMEOUT_MS,
): Promise<T> {
  const worker = registration.active;
  if (!worker) {
    return Promise.reject(
      new TypeError(
        'Background fetch needs an active service worker: register one and ' +
          'wait for navigator.serviceWorker.ready.',
      ),
    );
  }
  return askClient<T>(worker, message, timeoutMs);
}
