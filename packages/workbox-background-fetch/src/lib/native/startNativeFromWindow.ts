import {askClient} from '../askClient.js';
import {createError} from '../models/createError.js';
import {serializeRequest} from '../serialization.js';
import type {WorkerToPageMessage} from '../../protocol.js';
import type {BackgroundFetchOptions} from '../../types.js';

declare const self: ServiceWorkerGlobalScope;

/** How long one page may take to answer before the next is asked. */
const CLIENT_REPLY_TIMEOUT_MS = 5000;

/**
 * Starts a native background fetch through an open page: Chrome refuses
 * `backgroundFetch.fetch()` inside a service worker, but a page of the same
 * origin that loaded workbox-background-fetch-window may start it. Focused
 * pages are asked first. Rejects with `NotAllowedError` when no page can
 * (none open, or none answers), so the caller can fall back.
 *
 * @private
 */
export async function startNativeFromWindow(
  jobId: string,
  requests: Request[],
  options: BackgroundFetchOptions,
): Promise<void> {
  const windows = [
    ...(await self.clients.matchAll({type: 'window', includeUncontrolled: true})),
  ].sort(
    (a, b) =>
      Number(b.focused) - Number(a.focused) ||
      Number(b.visibilityState === 'visible') - Number(a.visibilityState === 'visible'),
  );
  const message: WorkerToPageMessage = {
    type: 'WBF_START_NATIVE',
    jobId,
    requests: await Promise.all(requests.map(serializeRequest)),
    options,
  };
  for (const client of windows) {
    try {
      await askClient<void>(client, message, CLIENT_REPLY_TIMEOUT_MS, () =>
        createError('client-timeout', {id: jobId}, 'TimeoutError'),
      );
      return;
    } catch (error) {
      // A page that does not run the window package never answers; a page
      // refused by the browser may be in the background: try the next one.
      const name = (error as Error).name;
      if (name !== 'TimeoutError' && name !== 'NotAllowedError') {
        throw error;
      }
    }
  }
  throw createError('no-window-client', {id: jobId}, 'NotAllowedError');
}
