/*
  backgroundFetchManager() and the wait for an active worker behind it:
  every way it ends, and the errors that say what to fix, against a fake
  `navigator.serviceWorker` (pageGlobals.ts) on a fake clock.
*/
import {
  FakeServiceWorker,
  NO_REPLY,
  PAGE_ORIGIN,
  PAGE_URL,
  installPageGlobals,
  loadPageModule,
  registrationWith,
  removePageGlobals,
  usePageTimers,
} from './support/pageGlobals';
import type {FakeRegistration, PageWorld} from './support/pageGlobals';
import type * as EntryModule from '../../src/backgroundFetchManager';
import type * as PersistenceModule from '../../src/requestPersistence';

const SCRIPT = `${PAGE_ORIGIN}/sw.js`;
const HELLO = {queues: [{name: 'episodes', forceFallback: false}]};

let world: PageWorld;
let modules: typeof EntryModule & typeof PersistenceModule;

function load() {
  modules = loadPageModule(() => ({
    ...(require('../../src/backgroundFetchManager') as typeof EntryModule),
    ...(require('../../src/requestPersistence') as typeof PersistenceModule),
  }));
}

beforeEach(() => {
  usePageTimers();
  world = installPageGlobals();
  load();
});
afterEach(() => {
  jest.useRealTimers();
  removePageGlobals();
});

/** `backgroundFetchManager(options)`'s rejection, once `ms` of fake time passed. */
async function rejectionAfter(ms: number, options: EntryModule.BackgroundFetchManagerOptions) {
  const started = modules.backgroundFetchManager(options);
  started.catch(() => undefined);
  await jest.advanceTimersByTimeAsync(ms);
  return started.then(
    () => {
      throw new Error('backgroundFetchManager() resolved');
    },
    (error: Error & {code?: string}) => error,
  );
}

/** An active worker that answers WBF_HELLO with `hello` (and pings). */
function activeWorker(hello: unknown = HELLO): FakeServiceWorker {
  const worker = new FakeServiceWorker(SCRIPT, 'activated', (message) =>
    message.type === 'WBF_HELLO' ? hello : message.type === 'WBF_PING' ? null : NO_REPLY,
  );
  const registration = registrationWith(worker);
  world.registrations.push(registration);
  world.ready(registration);
  return worker;
}

describe('backgroundFetchManager()', () => {
  test("resolves with a manager for the worker's only queue, and wakes the worker", async () => {
    const worker = activeWorker();
    const manager = await modules.backgroundFetchManager();
    expect(manager.queue).toBe('episodes');
    expect(worker.received.map(({type}) => type)).toEqual(['WBF_HELLO', 'WBF_PING']);
  });

  test('{queue} picks one of several queues; an unknown name lists the known ones', async () => {
    activeWorker({
      queues: [
        {name: 'episodes', forceFallback: false},
        {name: 'films', forceFallback: true},
      ],
    });
    const films = await modules.backgroundFetchManager({queue: 'films'});
    expect([films.queue, films.native]).toEqual(['films', false]);
    await expect(modules.backgroundFetchManager({queue: 'music'})).rejects.toMatchObject({
      code: 'unknown-queue',
      message: expect.stringContaining('episodes, films'),
    });
    await expect(modules.backgroundFetchManager()).rejects.toMatchObject({
      code: 'ambiguous-queue',
      message: expect.stringContaining('pass {queue: name}'),
    });
  });

  test('a worker with no queue at all: unknown-queue', async () => {
    activeWorker({queues: []});
    await expect(modules.backgroundFetchManager()).rejects.toMatchObject({code: 'unknown-queue'});
  });

  test('a worker that does not answer (no BackgroundFetchQueue in it): no-queue-answer after the timeout', async () => {
    activeWorker(NO_REPLY);
    const error = await rejectionAfter(3000, {timeout: 3000});
    expect(error.code).toBe('no-queue-answer');
    expect(error.message).toContain(`The service worker ${SCRIPT} did not answer within 3 s`);
    expect(error.message).toContain('Create one at the top level of the worker');
  });

  test('no navigator.serviceWorker (an insecure page): a TypeError that says to serve it over https', async () => {
    removePageGlobals();
    world = installPageGlobals({serviceWorker: false});
    load();
    await expect(modules.backgroundFetchManager()).rejects.toMatchObject({
      name: 'TypeError',
      code: 'no-service-worker-api',
      message: expect.stringContaining('Serve it over https'),
    });
  });

  test.each([0, -1, Number.NaN, '5'])('timeout %p is refused with a TypeError', async (timeout) => {
    await expect(
      modules.backgroundFetchManager({timeout: timeout as number}),
    ).rejects.toMatchObject({name: 'TypeError', code: 'invalid-timeout'});
  });
});

describe('waiting for an active worker', () => {
  test('no registration for the page: no-registration after the timeout, saying how to register one', async () => {
    const error = await rejectionAfter(2000, {timeout: 2000});
    expect(error.code).toBe('no-registration');
    expect(error.message).toContain(
      `No service worker is registered for this page (${PAGE_URL}) after 2 s`,
    );
    expect(error.message).toContain("navigator.serviceWorker.register('/sw.js')");
  });

  test('registrations of other scopes only: the error names them and says to move the worker up', async () => {
    world.registrations.push(registrationWith(null, `${PAGE_ORIGIN}/admin/`));
    const error = await rejectionAfter(2000, {timeout: 2000});
    expect(error.code).toBe('no-registration');
    expect(error.message).toContain(`the scopes ${PAGE_ORIGIN}/admin/`);
  });

  test('a worker still installing after the timeout: worker-not-activated, naming it and its state', async () => {
    const registration: FakeRegistration = registrationWith(null);
    registration.installing = new FakeServiceWorker(SCRIPT, 'installing');
    world.registrations.push(registration);
    const error = await rejectionAfter(4000, {timeout: 4000});
    expect(error.code).toBe('worker-not-activated');
    expect(error.message).toContain(`The service worker ${SCRIPT} is still installing after 4 s`);
  });

  test('a worker whose install fails: worker-install-failed at once, with why fetching its script tells', async () => {
    const registration: FakeRegistration = registrationWith(null);
    const installing = new FakeServiceWorker(SCRIPT, 'installing');
    registration.installing = installing;
    world.registrations.push(registration);
    world.serve = () => new Response('Not found', {status: 404});
    const started = modules.backgroundFetchManager({timeout: 60_000});
    started.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(100);
    installing.setState('redundant');
    await jest.advanceTimersByTimeAsync(0);
    await expect(started).rejects.toMatchObject({
      code: 'worker-install-failed',
      message: `The service worker ${SCRIPT} failed to install: GET ${SCRIPT} answered 404.`,
    });
  });

  test("{serviceWorker}: registers it, and a register() that rejects is named with the browser's reason", async () => {
    world.serve = () => new Response('self.x = 1;', {headers: {'content-type': 'text/javascript'}});
    const error = await rejectionAfter(0, {serviceWorker: '/sw.js'});
    expect(error.code).toBe('worker-install-failed');
    expect(error.message).toBe(
      `The service worker ${SCRIPT} failed to install: Failed to register a ServiceWorker: ${SCRIPT} could not be fetched.`,
    );
  });

  test('{serviceWorker}: a script that throws while starting is named, with where to read the error', async () => {
    world.serve = () =>
      new Response('throw new Error("boom");', {headers: {'content-type': 'text/javascript'}});
    world.register = async () => {
      throw new TypeError('ServiceWorker script evaluation failed');
    };
    const error = await rejectionAfter(0, {serviceWorker: '/sw.js'});
    expect(error.code).toBe('worker-install-failed');
    expect(error.message).toBe(
      `The service worker ${SCRIPT} failed to install: ServiceWorker script evaluation failed: ` +
        "it threw while starting; the worker's console shows the error.",
    );
  });

  test('{serviceWorker, scope}: resolves once the registered worker activates', async () => {
    const installing = new FakeServiceWorker(SCRIPT, 'installing', (message) =>
      message.type === 'WBF_HELLO' ? HELLO : null,
    );
    const registered = registrationWith(null, `${PAGE_ORIGIN}/player/`);
    registered.installing = installing;
    const register = jest.fn(async () => {
      world.registrations.push(registered);
      return registered;
    });
    world.register = register;
    const started = modules.backgroundFetchManager({serviceWorker: '/sw.js', scope: '/player/'});
    await jest.advanceTimersByTimeAsync(300);
    registered.active = installing;
    registered.installing = null;
    installing.setState('activated');
    expect((await started).queue).toBe('episodes');
    expect(register).toHaveBeenCalledWith(SCRIPT, {scope: '/player/'});
  });
});

describe('requestPersistence()', () => {
  test('true when the storage is already persistent, without asking', async () => {
    const persist = jest.fn(async () => false);
    world.storage = {persisted: async () => true, persist};
    expect(await modules.requestPersistence()).toBe(true);
    expect(persist).not.toHaveBeenCalled();
  });

  test("the browser's answer; false when persist() is missing or throws", async () => {
    world.storage = {persisted: async () => false, persist: async () => true};
    expect(await modules.requestPersistence()).toBe(true);
    world.storage = {persist: async () => false};
    expect(await modules.requestPersistence()).toBe(false);
    world.storage = {};
    expect(await modules.requestPersistence()).toBe(false);
    world.storage = {
      persist: async () => {
        throw new TypeError('Not allowed.');
      },
    };
    expect(await modules.requestPersistence()).toBe(false);
  });

  test('a prompt the user leaves unanswered: false after the timeout, so the download is not held', async () => {
    world.storage = {persist: () => new Promise<boolean>(() => undefined)};
    let answer: boolean | undefined;
    const asked = modules.requestPersistence(10_000).then((value) => {
      answer = value;
    });
    await jest.advanceTimersByTimeAsync(9_999);
    expect(answer).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await asked;
    expect(answer).toBe(false);
  });
});
