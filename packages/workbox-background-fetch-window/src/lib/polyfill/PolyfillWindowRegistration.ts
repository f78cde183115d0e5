import {serializeRequest} from 'workbox-background-fetch/internal';
import type {SerializedRecord} from 'workbox-background-fetch/internal';
import type {BackgroundFetchRecord} from 'workbox-background-fetch/types';
import {messageWorker} from '../../messageWorker.js';
import {createWindowError} from '../models/createWindowError.js';
import {WindowRegistration, toRecord} from '../../WindowRegistration.js';

/**
 * A page's view of a job of the worker polyfill. Unlike a queue's view,
 * a record still downloading is not reported as failed: its
 * `responseReady` settles when the worker has the whole response, as
 * natively.
 *
 * @private
 */
export class PolyfillWindowRegistration extends WindowRegistration {
  override async matchAll(
    request?: RequestInfo | URL,
    options?: CacheQueryOptions,
  ): Promise<BackgroundFetchRecord[]> {
    const message = {
      type: 'WBF_MATCH_ALL' as const,
      queue: this.state.queue,
      id: this.id,
      request:
        request === undefined
          ? undefined
          : await serializeRequest(
              request instanceof Request ? request : new Request(String(request)),
            ),
      options,
    };
    const ask = (waitFor?: number) =>
      messageWorker<SerializedRecord[]>(this._registration, {...message, waitFor});
    const records = await ask();
    return records.map((serialized, index) => {
      if (serialized.error !== 'pending') {
        return toRecord(serialized);
      }
      const settled = (async () => {
        let last = serialized;
        while (last.error === 'pending') {
          const [next] = await ask(index);
          if (!next) {
            throw createWindowError('record-failed', {}, 'TypeError');
          }
          last = next;
        }
        return toRecord(last).responseReady;
      })();
      settled.catch(() => undefined);
      return {request: toRecord(serialized).request, responseReady: settled};
    });
  }
}
