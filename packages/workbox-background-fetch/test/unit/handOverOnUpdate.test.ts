/*
  handOverOnUpdate(): a new worker version's skipWaiting() tells the running
  worker of the same registration to hand every queue's downloads over, over
  one BroadcastChannel (Node's own), with one skipWaiting() wrapper.
*/
import {defineGlobal, loadIsolated, restoreGlobals, saveGlobals} from './support/globals';

type Module = typeof import('../../src/lib/handOverOnUpdate');

/** A worker of `scope` (its own module state): its handOverOnUpdate and skipWaiting. */
function startWorker(scope: string) {
  const skipWaiting = jest.fn(async () => undefined);
  defineGlobal('self', {registration: {scope}, skipWaiting});
  const {handOverOnUpdate} = loadIsolated<Module>(() => require('../../src/lib/handOverOnUpdate'));
  const self = (globalThis as unknown as {self: {skipWaiting(): Promise<void>}}).self;
  return {handOverOnUpdate, self, skipWaiting};
}

const channels: BroadcastChannel[] = [];
const RealChannel = BroadcastChannel;

beforeEach(() => {
  saveGlobals('self', 'BroadcastChannel');
  // Keep each channel, to close it after the test (an open one keeps Node running).
  defineGlobal(
    'BroadcastChannel',
    class extends RealChannel {
      constructor(name: string) {
        super(name);
        channels.push(this);
      }
    },
  );
});

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.close();
  }
  restoreGlobals();
});

test("a new version's skipWaiting() hands over every queue of the running worker of its scope, not other scopes'", async () => {
  const running = startWorker('https://app.test/');
  const queueA = jest.fn();
  const queueB = jest.fn();
  running.handOverOnUpdate(queueA);
  running.handOverOnUpdate(queueB);
  const otherScope = startWorker('https://app.test/other/');
  const otherQueue = jest.fn();
  otherScope.handOverOnUpdate(otherQueue);

  // Listeners added after a worker's own run after it: once they see the
  // message, each worker has handled it.
  const [runningChannel, otherChannel] = channels;
  const handled = [runningChannel, otherChannel].map(
    (channel) =>
      new Promise((resolve) => channel.addEventListener('message', resolve, {once: true})),
  );

  const next = startWorker('https://app.test/');
  next.handOverOnUpdate(jest.fn());
  await next.self.skipWaiting();
  // The browser's skipWaiting() still runs, once.
  expect(next.skipWaiting).toHaveBeenCalledTimes(1);
  await Promise.all(handled);
  expect([queueA.mock.calls.length, queueB.mock.calls.length]).toEqual([1, 1]);
  expect(otherQueue).not.toHaveBeenCalled();
});

test('without BroadcastChannel it changes nothing', () => {
  defineGlobal('BroadcastChannel', undefined);
  const worker = startWorker('https://app.test/');
  const before = worker.self.skipWaiting;
  worker.handOverOnUpdate(jest.fn());
  expect(worker.self.skipWaiting).toBe(before);
});
