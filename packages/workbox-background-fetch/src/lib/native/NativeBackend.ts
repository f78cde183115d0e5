import {logger} from '../logger.js';
import {NativeRegistration} from './NativeRegistration.js';
import {startNative} from './startNative.js';
import {readNativeOutcome} from './readNativeOutcome.js';
import {replayableRequest} from './replayableRequest.js';
import {decideNativeEnd} from '../chooseBackend.js';
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
    const native = await startNative(
      this._manager,
      toJobId(this._context.queueName, id),
      requests,
      options,
      id,
    );
    return new NativeRegistration(this._context.queueName, native);
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
    const registration = new NativeRegistration(this._context.queueName, event.registration);
    let settlement = type;
    if (type !== 'click') {
      const verdict = decideNativeEnd(
        await readNativeOutcome(registration, type),
        this._context.failover !== undefined,
      );
      if (verdict.action === 'take-over') {
        if (await this._failOver(registration, event, verdict.why)) {
          return;
        }
        registration.settle('failure', registration.nativeFailureReason || 'fetch-error');
        settlement = 'fail';
      } else {
        if (process.env.NODE_ENV !== 'production' && verdict.type !== type) {
          logger.warn(
            `Background fetch '${registration.id}': the browser reported ` +
              `success, but its records cannot be trusted. Reporting 'fetch-error'.`,
          );
        }
        registration.settle(
          verdict.type === 'success' ? 'success' : 'failure',
          verdict.failureReason,
        );
        settlement = verdict.type;
      }
    }
    const updateUI = 'updateUI' in event ? event.updateUI.bind(event) : undefined;
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

  /**
   * Continues an ended native job with the fallback (see `decideNativeEnd`):
   * the same id and requests, no end event now. False when the fallback
   * could not start it (then the native result stands).
   */
  private async _failOver(
    registration: NativeRegistration,
    event: ExtendableEvent,
    why: string,
  ): Promise<boolean> {
    const records = await registration.matchAll();
    try {
      await this._context.failover!(
        registration.id,
        records.map(({request}) => replayableRequest(request)),
        {downloadTotal: registration.downloadTotal},
        event,
      );
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(
          `Background fetch '${registration.id}' failed natively (${why}) and ` +
            `the chunked fallback could not take it over:`,
          error,
        );
      }
      return false;
    }
    registration.releaseRecords();
    if (process.env.NODE_ENV !== 'production') {
      logger.log(
        `Background fetch '${registration.id}' failed natively (${why}); ` +
          `the chunked fallback goes on with it.`,
      );
    }
    return true;
  }
}
