/*
  A worker running BackgroundFetchQueue as an app's worker does (the fake
  worker of workerGlobals.ts, a fake fetch serving given files), with
  Workbox's real registerRoute() and CacheFirst, and a queue whose callbacks
  are recorded.
*/
import {fakeFetch} from './fakeFetch';
import {installWorkerGlobals, loadWorkerModule} from './workerGlobals';
import type {FakeAnswer} from '../fallback/simulateDownload';
import type {SeenFetch} from './fakeFetch';
import type {WorkerWorld} from './workerGlobals';
import type {FallbackBackendOptions} from '../../../src/lib/fallback/FallbackBackend';
import type * as QueueModule from '../../../src/BackgroundFetchQueue';
import type * as RegisterRouteModule from 'workbox-routing/registerRoute.js';
import type * as CacheFirstModule from 'workbox-strategies/CacheFirst.js';
import type {
  BackgroundFetchQueueEvent,
  BackgroundFetchQueueOptions,
} from '../../../src/BackgroundFetchQueue';

const KiB = 1024;

/** Fallback options of the queue tests: several Range requests per file, one at a time, quick retries, no notifications. */
export const FALLBACK: FallbackBackendOptions = {
  chunkSize: 256 * KiB,
  maxInFlight: 1,
  maxAttempts: 2,
  backoff: {initialDelay: 1, maxDelay: 5},
  notifications: false,
  chunkStorage: 'indexeddb',
};

/** Which callback a queue called. */
export type Kind = 'success' | 'fail' | 'abort';

/** The callbacks a recording queue received. */
export interface Calls {
  /** Every callback call, in order. */
  all: Array<{kind: Kind; event: BackgroundFetchQueueEvent}>;
  /** Resolves with the first call for job `id`. */
  of(id: string): Promise<{kind: Kind; event: BackgroundFetchQueueEvent}>;
}

/** A started worker: its globals, its server and the modules it loaded. */
export interface QueueWorker {
  world: WorkerWorld;
  server: ReturnType<typeof fakeFetch>;
  modules: typeof QueueModule & typeof RegisterRouteModule & typeof CacheFirstModule;
}

/** A fresh worker whose fetch serves `files` (`fault` answers first), with the runtime and Workbox loaded. */
export function startQueueWorker(
  files: Record<string, Uint8Array>,
  fault?: (seen: SeenFetch, index: number) => FakeAnswer | undefined,
): QueueWorker {
  const server = fakeFetch(files, {fault});
  const world = installWorkerGlobals(server.fetch);
  const modules = loadWorkerModule(() => ({
    ...(require('../../../src/BackgroundFetchQueue') as typeof QueueModule),
    ...(require('workbox-routing/registerRoute.js') as typeof RegisterRouteModule),
    ...(require('workbox-strategies/CacheFirst.js') as typeof CacheFirstModule),
  }));
  return {world, server, modules};
}

/** A queue whose callbacks are recorded (`during` runs inside each); `options` override them. */
export function createRecordingQueue(
  modules: QueueWorker['modules'],
  name: string,
  options: BackgroundFetchQueueOptions,
  during: (kind: Kind, event: BackgroundFetchQueueEvent) => Promise<void> = async () => undefined,
) {
  const calls: Calls['all'] = [];
  const waiting: Array<() => void> = [];
  const record = (kind: Kind) => async (event: BackgroundFetchQueueEvent) => {
    await during(kind, event);
    calls.push({kind, event});
    for (const wake of waiting.splice(0)) {
      wake();
    }
  };
  const queue = new modules.BackgroundFetchQueue(name, {
    onSuccess: record('success'),
    onFail: record('fail'),
    onAbort: record('abort'),
    ...options,
  });
  const of = async (id: string) => {
    for (;;) {
      const call = calls.find(({event}) => event.registration.id === id);
      if (call) {
        return call;
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  return {queue, calls: {all: calls, of} as Calls};
}

/** The bytes cache `cacheName` of `world` holds for `url` (undefined when absent). */
export async function cachedBytesIn(
  world: WorkerWorld,
  cacheName: string,
  url: string,
): Promise<Uint8Array | undefined> {
  if (!(await world.caches.has(cacheName))) {
    return undefined;
  }
  const response = await (await world.caches.open(cacheName)).match(url);
  return response && new Uint8Array(await response.arrayBuffer());
}
