declare const self: ServiceWorkerGlobalScope;

/** The channel on which a new worker version tells the running one to hand its jobs over. */
const CHANNEL = 'workbox-background-fetch-handover';

/**
 * Lets a service worker update take over the polyfill's running downloads.
 * Firefox and WebKit activate a new version (even one that calls
 * `skipWaiting()`) only once the running worker has no extended event left,
 * and the fallback keeps one for as long as it downloads: without a
 * handover the update waits for the end of every download, the end event
 * runs in the outdated worker, and WebKit drops that worker's Cache Storage
 * writes. So this worker's `skipWaiting()` first tells the other workers of
 * its registration, which stop their jobs' requests (`handOver`) and go
 * idle; once active, this worker resumes the jobs from their stored state.
 *
 * @private
 */
export function handOverOnUpdate(handOver: () => void): void {
  if (typeof BroadcastChannel === 'undefined' || typeof self.skipWaiting !== 'function') {
    return;
  }
  const channel = new BroadcastChannel(CHANNEL);
  const {scope} = self.registration;
  channel.onmessage = (event: MessageEvent) => {
    if (event.data === scope) {
      handOver();
    }
  };
  const skipWaiting = self.skipWaiting.bind(self);
  self.skipWaiting = () => {
    channel.postMessage(scope);
    return skipWaiting();
  };
}
