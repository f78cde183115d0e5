import {askClient, createError} from 'workbox-background-fetch/internal';
import type {PageToWorkerMessage} from 'workbox-background-fetch/internal';
import {createWindowError} from './lib/models/createWindowError.js';

/** How long the worker may take to answer (it may have to start first). */
const WORKER_REPLY_TIMEOUT_MS = 30000;

/**
 * Sends `message` to the registration's active worker and resolves with its
 * reply's value (or rejects with the error it sent back, or a
 * `TimeoutError` coded `worker-no-reply` after `timeoutMs`).
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
    return Promise.reject(createError('no-active-worker', {}, 'TypeError'));
  }
  return askClient<T>(worker, message, timeoutMs, () =>
    createWindowError(
      'worker-no-reply',
      {url: worker.scriptURL, timeout: timeoutMs},
      'TimeoutError',
    ),
  );
}
