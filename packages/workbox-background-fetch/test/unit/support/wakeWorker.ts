/*
  Waking the fake worker (workerGlobals.ts) as the browser does: dispatch an
  ExtendableEvent on `self` and wait for what its handlers gave
  `waitUntil()`. Every waking event makes the fallback's `keepAlive()` wait
  a grace second for jobs to start: that second passes on a fake clock, the
  stores' own I/O stays real.
*/
import {FakeExtendableEvent} from './workerGlobals';
import type {WorkerWorld} from './workerGlobals';

/** `FallbackBackend`'s grace before `keepAlive()` looks for work. */
const KEEP_ALIVE_GRACE_MS = 1000;

/** Dispatches `event` on the worker's `self` and resolves once its `waitUntil()` promises settled. */
export async function dispatchAndWait(
  world: WorkerWorld,
  event: FakeExtendableEvent,
): Promise<void> {
  jest.useFakeTimers({
    doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'Date'],
  });
  try {
    world.self.dispatchEvent(event);
    const idle = Promise.all(event.extensions);
    await jest.advanceTimersByTimeAsync(KEEP_ALIVE_GRACE_MS);
    await idle;
  } finally {
    jest.useRealTimers();
  }
}

/** Wakes the worker (a `sync` event; `activate` waits only for the jobs to load) and resolves once its jobs let it stop. */
export function untilIdle(world: WorkerWorld): Promise<void> {
  return dispatchAndWait(world, new FakeExtendableEvent('sync'));
}
