import {messageWorker} from './messageWorker.js';

/** How often a page watching a fallback download pings the worker. */
const PING_INTERVAL_MS = 10000;

const watchers = new Set<symbol>();
let timer: ReturnType<typeof setInterval> | undefined;

/**
 * While a page watches a fallback download, pings the worker every 10 s:
 * browsers stop idle workers (Firefox after ~30 s), and each message both
 * keeps it alive and makes it resume unfinished jobs. Returns the function
 * that stops this watcher.
 *
 * @private
 */
export function keepWorkerAwake(registration: ServiceWorkerRegistration): () => void {
  const watcher = Symbol('watcher');
  watchers.add(watcher);
  timer ??= setInterval(() => {
    messageWorker(registration, {type: 'WBF_PING'}).catch(() => undefined);
  }, PING_INTERVAL_MS);
  return () => {
    watchers.delete(watcher);
    if (watchers.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
