import {POLYFILL_QUEUE, serializeRequest} from 'workbox-background-fetch/internal';
import type {
  PolyfillDriver,
  PolyfillJob,
  RegistrationSnapshot,
} from 'workbox-background-fetch/internal';
import {messageWorker} from '../../messageWorker.js';
import {createWindowError} from '../models/createWindowError.js';
import {metaConnectSrcAllows} from './metaConnectSrc.js';
import {PolyfillWindowRegistration} from './PolyfillWindowRegistration.js';

/**
 * The page side of the polyfill's `registration.backgroundFetch`: every
 * call goes to the worker polyfill's hidden queue with the page protocol,
 * and jobs come back as live `PolyfillWindowRegistration`s. `get()` and
 * `getIds()` need no active worker (there is then no job), `fetch()` does
 * (`TypeError`, as the spec says).
 *
 * @private
 */
export function pageDriver(registration: ServiceWorkerRegistration): PolyfillDriver {
  const job = (snapshot: RegistrationSnapshot): PolyfillJob => ({
    registration: new PolyfillWindowRegistration(registration, snapshot),
  });
  return {
    async fetch({id, requests, options}) {
      for (const request of requests) {
        if (!metaConnectSrcAllows(new URL(request.url))) {
          throw createWindowError('csp-connect-src', {url: request.url}, 'TypeError');
        }
      }
      const snapshot = await messageWorker<RegistrationSnapshot>(registration, {
        type: 'WBF_FETCH',
        queue: POLYFILL_QUEUE,
        id,
        requests: await Promise.all(requests.map(serializeRequest)),
        options,
      });
      return job(snapshot);
    },
    async get(id) {
      if (!registration.active) {
        return undefined;
      }
      const snapshot = await messageWorker<RegistrationSnapshot | null>(registration, {
        type: 'WBF_GET',
        queue: POLYFILL_QUEUE,
        id,
      });
      return snapshot ? job(snapshot) : undefined;
    },
    async getIds() {
      if (!registration.active) {
        return [];
      }
      return messageWorker<string[]>(registration, {type: 'WBF_GET_IDS', queue: POLYFILL_QUEUE});
    },
  };
}
