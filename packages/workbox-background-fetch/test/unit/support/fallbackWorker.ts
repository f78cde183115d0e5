/*
  A fallback backend running in the fake worker (workerGlobals.ts), as a
  queue would use it: what each settlement handed to `onSettled` is read
  the way the queue reads it (every record's bytes), and `untilIdle()` waits
  as the worker's `keepAlive` event does.
*/
import type {BackgroundFetchFailureReason} from '../../../src/types';
import type {JobSettlement} from '../../../src/lib/BackgroundFetchBackend';
import type {
  FallbackBackend,
  FallbackBackendOptions,
} from '../../../src/lib/fallback/FallbackBackend';
import {loadWorkerModule} from './workerGlobals';

/** `FallbackBackend`'s grace before `keepAlive()` looks for work. */
const KEEP_ALIVE_GRACE_MS = 1000;

/** What a settlement gave the queue. */
export interface Settled {
  type: JobSettlement['type'];
  id: string;
  result: string;
  failureReason: BackgroundFetchFailureReason;
  /** Each record's response: its status and bytes, or the error `responseReady` rejected with. */
  records: Array<{url: string; status?: number; bytes?: Uint8Array; error?: Error}>;
}

/** A worker with one fallback backend. */
export interface FallbackWorker {
  backend: FallbackBackend;
  settled: Settled[];
  /** Resolves with the first settlement of job `id`. */
  settlementOf(id: string): Promise<Settled>;
  /**
   * Resolves once the backend has nothing left to do, as `keepAlive(event)`
   * lets the worker stop. Call once the jobs settled: timers started
   * meanwhile run on a fake clock.
   */
  untilIdle(): Promise<void>;
}

/**
 * Loads the runtime as a new worker would (fresh module state, the fake
 * stores as they are) and creates the fallback backend of queue `queueName`.
 */
export function startFallbackWorker(
  options: FallbackBackendOptions,
  queueName = 'films',
  /** The rest of the queue's handler, run after the records were read. */
  handler: (settlement: JobSettlement) => Promise<void> = async () => undefined,
): FallbackWorker {
  const {FallbackBackend: Backend} = loadWorkerModule(
    () =>
      require('../../../src/lib/fallback/FallbackBackend') as typeof import('../../../src/lib/fallback/FallbackBackend'),
  );
  const settled: Settled[] = [];
  const waiting = new Map<string, Array<(settled: Settled) => void>>();
  const backend = new Backend(
    {
      queueName,
      async onSettled(settlement) {
        const {type, registration} = settlement;
        const records = await Promise.all(
          (await registration.matchAll()).map(async ({request, responseReady}) => {
            try {
              const response = await responseReady;
              const bytes = new Uint8Array(await response.arrayBuffer());
              return {url: request.url, status: response.status, bytes};
            } catch (error) {
              return {url: request.url, error: error as Error};
            }
          }),
        );
        const entry: Settled = {
          type,
          id: registration.id,
          result: registration.result,
          failureReason: registration.failureReason,
          records,
        };
        settled.push(entry);
        for (const resolve of waiting.get(registration.id) ?? []) {
          resolve(entry);
        }
        await handler(settlement);
      },
    },
    options,
  );
  return {
    backend,
    settled,
    settlementOf(id) {
      const done = settled.find((entry) => entry.id === id);
      if (done) {
        return Promise.resolve(done);
      }
      return new Promise((resolve) => waiting.set(id, [...(waiting.get(id) ?? []), resolve]));
    },
    async untilIdle() {
      // keepAlive() first waits a grace second for jobs its event starts:
      // that second passes on a fake clock (the stores' own I/O stays real).
      jest.useFakeTimers({
        doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'Date'],
      });
      try {
        const kept: Array<Promise<unknown>> = [];
        backend.keepAlive({waitUntil: (promise: Promise<unknown>) => kept.push(promise)} as never);
        const idle = Promise.all(kept);
        await jest.advanceTimersByTimeAsync(KEEP_ALIVE_GRACE_MS);
        await idle;
      } finally {
        jest.useRealTimers();
      }
    },
  };
}
