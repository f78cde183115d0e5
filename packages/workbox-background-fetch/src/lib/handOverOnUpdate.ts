declare const self: ServiceWorkerGlobalScope;

/** The channel on which a new worker version tells the running one to hand its jobs over. */
const CHANNEL = 'workbox-background-fetch-handover';

/** What each queue (and the polyfill) does when a newer version takes over. */
const handOvers = new Set<() => void>();

/**
 * Lets a service worker update take over the running fallback downloads of
 * every queue and of the polyfill. Firefox and WebKit activate a new
 * version (even one that calls `skipWaiting()`) only once the running
 * worker has no extended event left, and the fallback keeps one for as
 * long as it downloads: without a handover the update waits for the end of
 * every download, the end event runs in the outdated worker, and WebKit
 * drops that worker's Cache Storage writes. So this worker's
 * `skipWaiting()` first tells the other workers of its registration, which
 * stop their jobs' requests (`handOver`) and go idle; once active, this
 * worker resumes the jobs from their stored state.
 *
 * One channel and one `skipWaiting()` wrapper serve every caller.
 *
 * @param handOver Stops the caller's running jobs without an event.
 *
 * @private
 */
export function handOverOnUpdate(handOver: () => void): void {
  if (typeof BroadcastChannel === 'undefined' || typeof self.skipWaiting !== 'function') {
    return;
  }
  handOvers.add(handOver);
  if (handOvers.size > 1) {
    return;
  }
  const channel = new BroadcastChannel(CHANNEL);
  const {scope} = self.registration;
  channel.onmessage = (event: MessageEvent) => {
    if (event.data === scope) {
      for (const each of handOvers) {
        each();
      }
    }
  };
  const skipWaiting = self.skipWaiting.bind(self);
  self.skipWaiting = () => {
    channel.postMessage(scope);
    return skipWaiting();
  };
}
