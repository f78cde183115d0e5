import {logger} from 'workbox-core/_private/logger.js';
import {NativeRegistration} from './NativeRegistration.js';
import {startNativeFromWindow} from './startNativeFromWindow.js';
import {verifyRecordBodies} from './verifyRecordBodies.js';
import {fromJobId, toJobId} from '../jobId.js';
import type {BackendContext, BackgroundFetchBackend} from '../BackgroundFetchBackend.js';
import type {
  BackgroundFetchEvent,
  BackgroundFetchManager,
  BackgroundFetchOptions,
  BackgroundFetchUpdateUIEvent,
} from '../../types.js';

declare const self: ServiceWorkerGlobalScope;

const END_EVENTS = {
  backgroundfetchsuccess: 'success',
  backgroundfetchfail: 'fail',
  backgroundfetchabort: 'abort',
  backgroundfetchclick: 'click',
} as const;

/**
 * Chrome's native Background Fetch behind the backend seam. The browser
 * downloads; this backend starts jobs (from the worker when allowed, else
 * through an open page), wraps registrations and turns the
 * `backgroundfetch*` events of its queue's jobs into settlements. Records of
 * a success are checked before they are trusted.
 *
 * @private
 */
export class NativeBackend implements BackgroundFetchBackend {
  readonly kind = 'native';
  private readonly _context: BackendContext;
  private readonly _manager: BackgroundFetchManager;

  constructor(context: BackendContext, manager: BackgroundFetchManager) {
    this._context = context;
    this._manager = manager;
    for (const [type, settlement] of Object.entries(END_EVENTS)) {
      self.addEventListener(type, (event) =>
        this._onEvent(event as BackgroundFetchUpdateUIEvent, settlement),
      );
    }
  }

  async fetch(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<NativeRegistration> {
    const jobId = toJobId(this._context.queueName, id);
    try {
      const native = await this._manager.fetch(jobId, requests, options);
      return new NativeRegistration(this._context.queueName, native);
    } catch (error) {
      if ((error as Error).name !== 'NotAllowedError') {
        throw error;
      }
      // Chrome: "not allowed in service worker environments". Ask a page.
      if (process.env.NODE_ENV !== 'production') {
        logger.debug(
          `Native background fetch is not allowed in this worker; asking an ` +
            `open page to start '${id}'.`,
        );
      }
    }
    await startNativeFromWindow(jobId, requests, options);
    const registration = await this.get(id);
    if (!registration) {
      // It already ended (a tiny download): the end event reports it.
      throw new DOMException(`Background fetch '${id}' ended at once.`, 'InvalidStateError');
    }
    return registration;
  }

  async get(id: string): Promise<NativeRegistration | undefined> {
    const native = await this._manager.get(toJobId(this._context.queueName, id));
    return native ? new NativeRegistration(this._context.queueName, native) : undefined;
  }

  async getIds(): Promise<string[]> {
    const ids = await this._manager.getIds();
    return ids.flatMap((jobId) => {
      const id = fromJobId(this._context.queueName, jobId);
      return id === undefined ? [] : [id];
    });
  }

  private _onEvent(
    event: BackgroundFetchUpdateUIEvent | BackgroundFetchEvent,
    type: (typeof END_EVENTS)[keyof typeof END_EVENTS],
  ): void {
    if (fromJobId(this._context.queueName, event.registration.id) === undefined) {
      return; // Another queue's job, or not ours at all.
    }
    event.waitUntil(this._settle(event, type));
  }

  private async _settle(
    event: BackgroundFetchUpdateUIEvent | BackgroundFetchEvent,
    type: (typeof END_EVENTS)[keyof typeof END_EVENTS],
  ): Promise<void> {
    const registration = new NativeRegistration(
      this._context.queueName,
      event.registration,
    );
    let settlement = type;
    if (type !== 'click') {
      let reason = registration.nativeFailureReason;
      if (type === 'success') {
        const check = await verifyRecordBodies(await registration.matchAll());
        if (!check.ok) {
          if (process.env.NODE_ENV !== 'production') {
            logger.warn(
              `Background fetch '${registration.id}': the browser reported ` +
                `success, but ${check.url} has ${check.got} of ` +
                `${check.expected} bytes. Reporting 'fetch-error'.`,
            );
          }
          settlement = 'fail';
          reason = 'fetch-error';
        }
      }
      registration.settle(settlement === 'success' ? 'success' : 'failure', reason);
    }
    const updateUI =
      'updateUI' in event ? event.updateUI.bind(event) : undefined;
    try {
      await this._context.onSettled({
        type: settlement,
        registration,
        event,
        updateUI: settlement === 'success' || settlement === 'fail' ? updateUI : undefined,
      });
    } finally {
      if (type !== 'click') {
        registration.releaseRecords();
      }
    }
  }
}
