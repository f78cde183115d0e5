/*
  What every test worker shares: the test-events log (what a user would
  check, written to a cache so it outlives worker restarts), taking control
  at once, and the page's test hooks ({test: name, ...} messages answered on
  the message's port with {value} or {error: {name, message}}).
*/
import type {
  BackgroundFetchQueueEvent,
  BackgroundFetchQueueOptions,
} from 'workbox-background-fetch';

declare const self: ServiceWorkerGlobalScope;

/** The cache the workers log into and the page helpers (`fb.events()`) read. */
export const TEST_EVENTS_CACHE = 'test-events';

let seq = 0;

/** Appends `entry` (with an increasing `seq`) to the test-events cache. */
export async function logTestEvent(entry: Record<string, unknown>): Promise<void> {
  const cache = await caches.open(TEST_EVENTS_CACHE);
  seq += 1;
  const record = {seq: Date.now() * 1000 + seq, ...entry};
  await cache.put(`/__test-event/${record.seq}`, new Response(JSON.stringify(record)));
}

/** skipWaiting() on install and clients.claim() on activate: the page is controlled at once. */
export function takeControlAtOnce(): void {
  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
}

/** The queue options `onSuccess`, `onFail` and `onAbort`, each calling `report(type, event)`. */
export function reportEnds(
  report: (type: 'success' | 'fail' | 'abort', event: BackgroundFetchQueueEvent) => Promise<void>,
): Pick<BackgroundFetchQueueOptions, 'onSuccess' | 'onFail' | 'onAbort'> {
  return {
    onSuccess: (event) => report('success', event),
    onFail: (event) => report('fail', event),
    onAbort: (event) => report('abort', event),
  };
}

/** A test hook: gets the message's data, resolves with the value to send back. */
export type TestHook = (data: {test: string; [key: string]: unknown}) => Promise<unknown> | unknown;

/**
 * Answers the page's `{test: name, ...}` messages with `hooks[name]`: the
 * value as `{value}`, a throw as `{error: {name, message}}`, an unknown
 * name as an error. Messages without `test` (the library's own) are left alone.
 */
export function answerTestHooks(hooks: Record<string, TestHook>): void {
  self.addEventListener('message', (event) => {
    const data = event.data as {test?: string; [key: string]: unknown};
    if (!data?.test) return;
    const run = async (): Promise<unknown> => {
      const hook = Object.hasOwn(hooks, data.test!) ? hooks[data.test!] : undefined;
      if (!hook) throw new Error(`unknown test hook ${data.test}`);
      return hook(data as {test: string});
    };
    event.waitUntil(
      run().then(
        (value) => event.ports[0]?.postMessage({value}),
        (error: Error) =>
          event.ports[0]?.postMessage({error: {name: error.name, message: error.message}}),
      ),
    );
  });
}
