/*
  workbox-background-fetch-window/polyfill in a page: where the browser has
  no working Background Fetch, `registration.backgroundFetch` and the
  interfaces appear and run jobs through the worker polyfill; where it has
  one (Chromium), nothing is replaced.
*/
import {
  defineGlobal,
  saveGlobals,
} from '../../../workbox-background-fetch/test/unit/support/globals';
import {registrationSnapshot as snapshot} from '../../../workbox-background-fetch/test/unit/support/registrationSnapshot';
import {
  PAGE_ORIGIN,
  installPageWithWorker,
  loadPageModule,
  removePage,
} from './support/pageGlobals';
import type {FakeServiceWorker, PageWorld} from './support/pageGlobals';
import {POLYFILL_QUEUE} from 'workbox-background-fetch/internal';
import type * as InstallModule from '../../src/lib/polyfill/installPagePolyfill';

const FILM = `${PAGE_ORIGIN}/media/film.mp4`;
const INTERFACES = [
  'BackgroundFetchManager',
  'BackgroundFetchRegistration',
  'BackgroundFetchRecord',
  'QuotaExceededError',
];

let world: PageWorld;
let worker: FakeServiceWorker;
/** The page's `ServiceWorkerRegistration` interface (a fresh one per test). */
let Registration: new () => {active: FakeServiceWorker | null; backgroundFetch?: unknown};

beforeEach(() => {
  ({world, worker} = installPageWithWorker());
  saveGlobals(...INTERFACES);
  Registration = class {
    active: FakeServiceWorker | null = worker;
  };
  defineGlobal('ServiceWorkerRegistration', Registration);
});
afterEach(removePage);

function install(): void {
  loadPageModule(
    () => require('../../src/lib/polyfill/installPagePolyfill') as typeof InstallModule,
  ).installPagePolyfill();
}

type Manager = {
  fetch(id: string, requests: unknown, options?: unknown): Promise<{id: string}>;
  get(id: string): Promise<unknown>;
  getIds(): Promise<string[]>;
};
const globalOf = (name: string) =>
  (globalThis as Record<string, unknown>)[name] as new (
    ...args: unknown[]
  ) => unknown;

describe('installPagePolyfill() where the browser has no working Background Fetch', () => {
  test("every registration gets one manager whose jobs run in the worker polyfill's queue", async () => {
    install();
    const registration = new Registration();
    const manager = registration.backgroundFetch as Manager;
    expect(manager).toBe(registration.backgroundFetch);
    expect(manager).toBeInstanceOf(globalOf('BackgroundFetchManager'));
    worker.answer = (message) =>
      message.type === 'WBF_FETCH' ? snapshot({id: 'film', queue: POLYFILL_QUEUE}) : ['film'];
    const job = await manager.fetch('film', FILM, {title: 'Film'});
    expect(job).toBeInstanceOf(globalOf('BackgroundFetchRegistration'));
    expect(job.id).toBe('film');
    expect(worker.messages('WBF_FETCH')[0]).toMatchObject({queue: POLYFILL_QUEUE, id: 'film'});
    expect(await manager.getIds()).toEqual(['film']);
  });

  test("the spec's rejections: an empty id, no requests; and the interfaces cannot be constructed by scripts", async () => {
    install();
    const manager = new Registration().backgroundFetch as Manager;
    await expect(manager.fetch('', FILM)).rejects.toThrow(TypeError);
    await expect(manager.fetch('film', [])).rejects.toThrow(TypeError);
    await expect(manager.get('')).rejects.toThrow(TypeError);
    expect(worker.received).toEqual([]);
    expect(() => new (globalOf('BackgroundFetchManager'))()).toThrow('Illegal constructor.');
    const quota = new (globalOf('QuotaExceededError'))('Full.', {quota: 10, requested: 20});
    expect(quota).toMatchObject({name: 'QuotaExceededError', quota: 10, requested: 20});
  });
});

describe('installPagePolyfill() where native Background Fetch works (Chromium)', () => {
  test('nothing is replaced; the page only starts native jobs for the worker', async () => {
    defineGlobal('BackgroundFetchManager', class {});
    Object.assign(navigator, {userAgentData: {brands: []}});
    const browserManager = {fetch: jest.fn(async () => ({}))};
    Object.defineProperty(Registration.prototype, 'backgroundFetch', {
      configurable: true,
      get: () => browserManager,
    });
    const registration = new Registration();
    world.ready(registration as never);
    install();
    expect(registration.backgroundFetch).toBe(browserManager);
    const channel = new MessageChannel();
    const replied = new Promise((resolve) => {
      channel.port1.onmessage = (event) => {
        channel.port1.close();
        resolve(event.data);
      };
    });
    world.container.dispatchEvent(
      new MessageEvent('message', {
        data: {type: 'WBF_START_NATIVE', jobId: 'wbf:q:film', requests: [], options: {}},
        ports: [channel.port2],
      }),
    );
    expect(await replied).toEqual({ok: true, value: null});
    expect(browserManager.fetch).toHaveBeenCalledWith('wbf:q:film', [], {});
  });
});
