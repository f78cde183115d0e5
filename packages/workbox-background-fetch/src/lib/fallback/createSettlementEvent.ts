import type {SnapshotRegistration} from '../SnapshotRegistration.js';
import type {BackgroundFetchUIOptions} from '../../types.js';

/** A settlement event and a way to wait for what its handlers asked to wait for. */
export interface SettlementEvent {
  event: ExtendableEvent;
  /** Settles once every promise given to `event.waitUntil()` settled. */
  extended(): Promise<void>;
}

/**
 * The event a fallback job hands to its queue when it ends, standing in for
 * the browser's `backgroundfetchsuccess` / `fail` / `abort` event: same
 * type, `registration`, `updateUI()` (success and fail), and a
 * `waitUntil()` whose promises the backend waits for before it releases the
 * job's records. The worker itself is kept alive by the backend's own
 * `keepAlive()` event meanwhile.
 *
 * @private
 */
export function createSettlementEvent(
  type: 'success' | 'fail' | 'abort',
  registration: SnapshotRegistration,
  updateUI?: (options?: BackgroundFetchUIOptions) => Promise<void>,
): SettlementEvent {
  const name = `backgroundfetch${type}`;
  const event = typeof ExtendableEvent === 'function' ? new ExtendableEvent(name) : new Event(name);
  const pending: Array<Promise<unknown>> = [];
  Object.defineProperties(event, {
    registration: {value: registration, enumerable: true},
    waitUntil: {
      value: (promise: Promise<unknown>) => {
        pending.push(Promise.resolve(promise));
      },
    },
  });
  if (updateUI) {
    Object.defineProperty(event, 'updateUI', {value: updateUI, enumerable: true});
  }
  return {
    event: event as ExtendableEvent,
    async extended() {
      // Handlers may add promises while earlier ones run.
      let done = 0;
      while (done < pending.length) {
        const batch = pending.slice(done);
        done = pending.length;
        await Promise.allSettled(batch);
      }
    },
  };
}
