/*
  The page side of the polyfill and of native jobs started for the worker:
  the driver behind the polyfilled `registration.backgroundFetch`, its
  registrations' records, and the page's answer to the worker's
  WBF_START_NATIVE, against a fake `navigator.serviceWorker`.
*/
import {registrationSnapshot as snapshot} from '../../../workbox-background-fetch/test/unit/support/registrationSnapshot';
import {
  PAGE_ORIGIN,
  installPageWithWorker,
  removePage,
  loadPageModule,
} from './support/pageGlobals';
import type {FakeRegistration, FakeServiceWorker, PageWorld} from './support/pageGlobals';
import {POLYFILL_QUEUE, serializeRequest} from 'workbox-background-fetch/internal';
import type {Reply, SerializedRecord} from 'workbox-background-fetch/internal';
import type * as ListenModule from '../../src/listenForWorkerRequests';
import type * as PageDriverModule from '../../src/lib/polyfill/pageDriver';

const FILM = `${PAGE_ORIGIN}/media/film.mp4`;

let world: PageWorld;
let worker: FakeServiceWorker;
let registration: FakeRegistration;
let modules: typeof ListenModule & typeof PageDriverModule;

beforeEach(() => {
  ({world, worker, registration} = installPageWithWorker());
  modules = loadPageModule(() => ({
    ...(require('../../src/listenForWorkerRequests') as typeof ListenModule),
    ...(require('../../src/lib/polyfill/pageDriver') as typeof PageDriverModule),
  }));
});
afterEach(removePage);

describe('the polyfill page driver', () => {
  const driver = () => modules.pageDriver(registration as unknown as ServiceWorkerRegistration);
  const args = (url = FILM) => ({
    id: 'film',
    requests: [new Request(url)],
    options: {title: 'Film'},
  });

  test("fetch() starts the job in the worker polyfill's queue and hands back a live registration", async () => {
    worker.answer = () => snapshot({id: 'film', queue: POLYFILL_QUEUE, downloadTotal: 10});
    const job = await driver().fetch(args());
    expect(worker.received).toEqual([
      {
        type: 'WBF_FETCH',
        queue: POLYFILL_QUEUE,
        id: 'film',
        requests: [await serializeRequest(new Request(FILM))],
        options: {title: 'Film'},
      },
    ]);
    expect(job.registration).toMatchObject({id: 'film', downloadTotal: 10});
  });

  test("a URL the page's <meta> Content-Security-Policy does not allow is refused before the worker hears of it", async () => {
    const meta = {
      getAttribute: (name: string) =>
        name === 'http-equiv' ? 'Content-Security-Policy' : "connect-src 'self'",
    };
    (document as unknown as {querySelectorAll: () => unknown[]}).querySelectorAll = () => [meta];
    await expect(driver().fetch(args('https://cdn.example/film.mp4'))).rejects.toThrow(
      "Background fetch refuses https://cdn.example/film.mp4: the page's Content-Security-Policy (connect-src) does not allow it.",
    );
    expect(worker.received).toEqual([]);
  });

  test('get() and getIds() ask the worker, and need no worker while none is active (no job then)', async () => {
    worker.answer = (message) =>
      message.type === 'WBF_GET_IDS'
        ? ['film']
        : message.id === 'film'
          ? snapshot({id: 'film', queue: POLYFILL_QUEUE})
          : null;
    expect(await driver().getIds()).toEqual(['film']);
    expect((await driver().get('film'))?.registration.id).toBe('film');
    expect(await driver().get('other')).toBeUndefined();
    registration.active = null;
    expect(await driver().getIds()).toEqual([]);
    expect(await driver().get('film')).toBeUndefined();
  });

  test("a record still downloading: its responseReady waits for the worker's answer for that record", async () => {
    const request = await serializeRequest(new Request(FILM));
    const ready: SerializedRecord = {
      request,
      response: {url: FILM, status: 200, statusText: 'OK', headers: [], body: new Blob(['film'])},
    };
    const asked: Array<number | undefined> = [];
    worker.answer = (message) => {
      if (message.type === 'WBF_FETCH') {
        return snapshot({id: 'film', queue: POLYFILL_QUEUE});
      }
      asked.push(message.waitFor as number | undefined);
      return asked.length < 3 ? [{request, error: 'pending'}] : [ready];
    };
    const {registration: job} = await driver().fetch(args());
    const [record] = await job.matchAll();
    expect(record.request.url).toBe(FILM);
    const response = await record.responseReady;
    expect(await response.text()).toBe('film');
    expect(asked).toEqual([undefined, 0, 0]);
  });

  test('a record the worker no longer has: responseReady rejects with a TypeError', async () => {
    const request = await serializeRequest(new Request(FILM));
    worker.answer = (message) =>
      message.type === 'WBF_FETCH'
        ? snapshot({id: 'film', queue: POLYFILL_QUEUE})
        : message.waitFor === undefined
          ? [{request, error: 'pending'}]
          : [];
    const {registration: job} = await driver().fetch(args());
    const [record] = await job.matchAll(FILM);
    await expect(record.responseReady).rejects.toThrow('The response could not be fetched.');
  });
});

describe('listenForWorkerRequests(): the worker asks this page to start a native job', () => {
  /** Sends WBF_START_NATIVE as the worker does and resolves with the page's reply. */
  async function askToStart(message: Record<string, unknown>): Promise<Reply<null>> {
    const channel = new MessageChannel();
    const replied = new Promise<Reply<null>>((resolve) => {
      channel.port1.onmessage = (event) => {
        channel.port1.close();
        resolve(event.data);
      };
    });
    world.container.dispatchEvent(
      new MessageEvent('message', {data: message, ports: [channel.port2]}),
    );
    return replied;
  }

  test("starts the browser's job with the worker's job id, requests and options, and replies ok", async () => {
    const fetch = jest.fn(async () => ({}));
    registration.backgroundFetch = {fetch, get: async () => undefined};
    world.ready(registration);
    modules.listenForWorkerRequests();
    const reply = await askToStart({
      type: 'WBF_START_NATIVE',
      jobId: 'wbf:films:film',
      requests: [await serializeRequest(new Request(FILM))],
      options: {title: 'Film'},
    });
    expect(reply).toEqual({ok: true, value: null});
    const [jobId, requests, options] = fetch.mock.calls[0] as unknown as [
      string,
      Request[],
      unknown,
    ];
    expect([jobId, requests.map(({url}) => url), options]).toEqual([
      'wbf:films:film',
      [FILM],
      {title: 'Film'},
    ]);
  });

  test('without native Background Fetch here: replies NotAllowedError (the worker runs the fallback)', async () => {
    world.ready(registration);
    modules.listenForWorkerRequests();
    const reply = await askToStart({
      type: 'WBF_START_NATIVE',
      jobId: 'wbf:films:film',
      requests: [],
      options: {},
    });
    expect(reply).toEqual({
      ok: false,
      error: {
        name: 'NotAllowedError',
        code: 'no-native-api',
        message: expect.stringContaining('no registration.backgroundFetch'),
      },
    });
  });

  test("the browser's refusal goes back to the worker with its name", async () => {
    registration.backgroundFetch = {
      fetch: async () => {
        throw new DOMException('Quota.', 'QuotaExceededError');
      },
    };
    world.ready(registration);
    modules.listenForWorkerRequests();
    const reply = await askToStart({
      type: 'WBF_START_NATIVE',
      jobId: 'x',
      requests: [],
      options: {},
    });
    expect(reply).toMatchObject({ok: false, error: {name: 'QuotaExceededError'}});
  });

  test('installed once: a second call adds no second listener', async () => {
    const fetch = jest.fn(async () => ({}));
    registration.backgroundFetch = {fetch};
    world.ready(registration);
    modules.listenForWorkerRequests();
    modules.listenForWorkerRequests();
    await askToStart({type: 'WBF_START_NATIVE', jobId: 'x', requests: [], options: {}});
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
