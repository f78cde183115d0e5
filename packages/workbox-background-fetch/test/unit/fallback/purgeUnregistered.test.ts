/*
  purgeJobsOfUnregisteredWorker(): when this worker turns redundant, its
  fallback jobs are discarded only if the registration has no worker left
  (unregistered). A worker replaced by an update, or one whose registration
  still names any worker, keeps them: the next worker resumes them.
*/
import {
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from '../support/workerGlobals';
import type {WorkerWorld} from '../support/workerGlobals';
import type * as PurgeModule from '../../../src/lib/fallback/purgeUnregistered';
import type * as RegistryModule from '../../../src/lib/queueRegistry';
import type {RegisteredQueue} from '../../../src/lib/queueRegistry';

/** A worker with one queue whose `_discardAll()` is watched; its purge listener installed. */
function setUp(): {world: WorkerWorld; discardAll: jest.Mock; turnRedundant(): void} {
  const world = installWorkerGlobals();
  const {purge, registry} = loadWorkerModule(() => ({
    purge: require('../../../src/lib/fallback/purgeUnregistered') as typeof PurgeModule,
    registry: require('../../../src/lib/queueRegistry') as typeof RegistryModule,
  }));
  // Never settles: what follows the discard (the purge of the stored
  // records) is the browser suite's (fallback-hygiene.test.ts).
  const discardAll = jest.fn(() => new Promise<void>(() => undefined));
  registry.addQueue({name: 'media', _discardAll: discardAll} as unknown as RegisteredQueue);
  purge.purgeJobsOfUnregisteredWorker();
  const worker = world.self.serviceWorker as EventTarget & {state: string};
  return {
    world,
    discardAll,
    turnRedundant() {
      worker.state = 'redundant';
      worker.dispatchEvent(new Event('statechange'));
    },
  };
}

type Registration = {active: unknown; waiting?: unknown; installing?: unknown};

afterEach(() => removeWorkerGlobals());

test('unregistered (no worker left in the registration): the jobs are discarded', () => {
  const {discardAll, turnRedundant} = setUp();
  turnRedundant();
  expect(discardAll).toHaveBeenCalledTimes(1);
});

test.each([
  ['a new active worker (an update)', () => ({active: {state: 'activating'}})],
  ['this worker, still named active', (self: unknown) => ({active: self})],
  ['a worker waiting', () => ({active: null, waiting: {state: 'installed'}})],
  ['a worker installing', () => ({active: null, installing: {state: 'installing'}})],
])(
  'redundant while the registration names %s: the jobs are kept for the next worker',
  (_, names) => {
    const {world, discardAll, turnRedundant} = setUp();
    const registration = world.self.registration as Registration;
    Object.assign(registration, names(world.self.serviceWorker));
    turnRedundant();
    expect(discardAll).not.toHaveBeenCalled();
  },
);
