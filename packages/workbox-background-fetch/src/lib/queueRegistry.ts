import type {BackgroundFetchQueue} from '../BackgroundFetchQueue.js';
import type {DownloadLibrary} from '../DownloadLibrary.js';
import type {SnapshotRegistration} from './SnapshotRegistration.js';
import type {QueueInfo} from '../protocol.js';
import type {BackgroundFetchOptions} from '../types.js';

/**
 * What the page protocol needs of a queue: a `BackgroundFetchQueue`, or the
 * polyfill's hidden one that runs `registration.backgroundFetch` jobs.
 *
 * @private
 */
export interface RegisteredQueue {
  readonly name: string;
  /** Finished downloads (`BackgroundFetchQueue`s only). */
  readonly library?: DownloadLibrary;
  /** @internal */
  _info(): QueueInfo;
  /** @internal */
  _keepAlive(event: ExtendableEvent): void;
  /** @internal */
  _fetchWithFallback(
    id: string,
    requests: Request[],
    options: BackgroundFetchOptions,
  ): Promise<SnapshotRegistration>;
  get(id: string): Promise<SnapshotRegistration | undefined>;
  getIds(): Promise<string[]>;
  /** @internal */
  _setPaused(id: string, paused: boolean): Promise<boolean>;
  /**
   * Ends every fallback job without events and deletes them with their
   * bytes (the worker was unregistered).
   * @internal
   */
  _discardAll(): Promise<void>;
  /**
   * The job whose records are readable: active, or ended while its event runs.
   * @internal
   */
  _withRecords?(id: string): Promise<SnapshotRegistration | undefined>;
}

const queues = new Map<string, RegisteredQueue>();
const unlisted = new Set<RegisteredQueue>();

/**
 * Records `queue` under its name. An unlisted queue answers pages that name
 * it but is not offered to `backgroundFetchManager()`. @private
 */
export function addQueue(queue: RegisteredQueue, listed = true): void {
  queues.set(queue.name, queue);
  if (!listed) {
    unlisted.add(queue);
  }
}

/** Whether a queue of that name exists in this worker. @private */
export function hasQueue(name: string): boolean {
  return queues.has(name);
}

/** The queue of that name (listed or not), if any. @private */
export function findQueue(name: string): RegisteredQueue | undefined {
  return queues.get(name);
}

/** The `BackgroundFetchQueue` of that name, if any. @private */
export function getQueue(name: string): BackgroundFetchQueue | undefined {
  const queue = queues.get(name);
  return queue && !unlisted.has(queue) ? (queue as BackgroundFetchQueue) : undefined;
}

/** Every queue of this worker, in creation order. @private */
export function allQueues(): RegisteredQueue[] {
  return [...queues.values()];
}

/** The queues pages may pick with `backgroundFetchManager()`. @private */
export function listedQueues(): RegisteredQueue[] {
  return allQueues().filter((queue) => !unlisted.has(queue));
}
