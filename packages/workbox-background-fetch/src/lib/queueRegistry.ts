import type {BackgroundFetchQueue} from '../BackgroundFetchQueue.js';

const queues = new Map<string, BackgroundFetchQueue>();

/** Records `queue` under its name. @private */
export function addQueue(queue: BackgroundFetchQueue): void {
  queues.set(queue.name, queue);
}

/** Whether a queue of that name exists in this worker. @private */
export function hasQueue(name: string): boolean {
  return queues.has(name);
}

/** The queue of that name, if any. @private */
export function getQueue(name: string): BackgroundFetchQueue | undefined {
  return queues.get(name);
}

/** Every queue of this worker, in creation order. @private */
export function allQueues(): BackgroundFetchQueue[] {
  return [...queues.values()];
}
