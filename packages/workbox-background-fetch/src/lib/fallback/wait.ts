declare const self: ServiceWorkerGlobalScope;

/** How often `waitForOnline` looks at `navigator.onLine` besides listening for `online`. */
const ONLINE_POLL_MS = 1000;

/**
 * Resolves after `ms`, or at once when `signal` aborts.
 * @private
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

/**
 * `work`'s outcome, or `timedOut()`'s once `ms` passed first (it may
 * throw); the timer ends with `work`.
 *
 * @private
 */
export async function within<T, U>(
  work: Promise<T>,
  ms: number,
  timedOut: () => U,
): Promise<T | U> {
  const settled = new AbortController();
  try {
    return await Promise.race([
      work,
      delay(ms, settled.signal).then(() =>
        settled.signal.aborted ? (undefined as U) : timedOut(),
      ),
    ]);
  } finally {
    settled.abort();
  }
}

/**
 * Resolves when the device is online again (`online` event, or
 * `navigator.onLine` seen true: not every engine fires the event in
 * workers), or at once when `signal` aborts.
 *
 * @private
 */
export function waitForOnline(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearInterval(poll);
      self.removeEventListener('online', finish);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const poll = setInterval(() => {
      if (navigator.onLine) {
        finish();
      }
    }, ONLINE_POLL_MS);
    self.addEventListener('online', finish);
    signal.addEventListener('abort', finish);
    if (signal.aborted || navigator.onLine) {
      finish();
    }
  });
}

/** The Background Sync tag that wakes the worker when the network is back. */
const ONLINE_SYNC_TAG = 'workbox-background-fetch';

interface SyncCapableRegistration extends ServiceWorkerRegistration {
  sync?: {register(tag: string): Promise<void>};
}

/**
 * Asks the browser to wake the worker with a `sync` event once it is online
 * (Background Sync, where it exists), in case the worker is stopped while
 * offline. The queue's `sync` listener resumes the downloads.
 *
 * @private
 */
export function requestWakeWhenOnline(): void {
  const {sync} = self.registration as SyncCapableRegistration;
  sync?.register(ONLINE_SYNC_TAG).catch(() => undefined);
}

/** The shortest wait for a backoff to end, in ms. @private */
export const MIN_SLEEP_MS = 10;
