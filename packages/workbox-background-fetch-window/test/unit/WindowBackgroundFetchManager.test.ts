/*
  The page's manager, registrations and library against a fake
  `navigator.serviceWorker` whose worker answers like the library's worker,
  and the worker's broadcasts on BroadcastChannel in memory.
*/
import {registrationSnapshot as snapshot} from '../../../workbox-background-fetch/test/unit/support/registrationSnapshot';
import {
  NO_REPLY,
  PAGE_ORIGIN,
  installPageWithWorker,
  removePage,
  broadcastFromWorker,
  delivered,
  loadPageModule,
} from './support/pageGlobals';
import type {Answer, FakeRegistration, FakeServiceWorker, PageWorld} from './support/pageGlobals';
import {serializeRequest} from 'workbox-background-fetch/internal';
import type {SerializedRecord} from 'workbox-background-fetch/internal';
import type * as ManagerModule from '../../src/WindowBackgroundFetchManager';
import type * as MessageWorkerModule from '../../src/messageWorker';

const CHANNEL = 'workbox-background-fetch';
const LIBRARY_CHANNEL = 'workbox-background-fetch-library';
const EPISODE = `${PAGE_ORIGIN}/media/ep-5.mp3`;

let world: PageWorld;
let worker: FakeServiceWorker;
let registration: FakeRegistration;
let modules: typeof ManagerModule & typeof MessageWorkerModule;

/** The worker's answers by message type (anything else: no reply). */
function answers(byType: Record<string, Answer>): Answer {
  return (message) => (byType[message.type] ? byType[message.type](message) : NO_REPLY);
}

beforeEach(() => {
  ({world, worker, registration} = installPageWithWorker());
  modules = loadPageModule(() => ({
    ...(require('../../src/WindowBackgroundFetchManager') as typeof ManagerModule),
    ...(require('../../src/messageWorker') as typeof MessageWorkerModule),
  }));
});
afterEach(removePage);

function manager(forceFallback = false) {
  return new modules.WindowBackgroundFetchManager(
    registration as unknown as ServiceWorkerRegistration,
    {name: 'episodes', forceFallback},
  );
}

describe('messageWorker()', () => {
  test('resolves with the value the worker replied', async () => {
    worker.answer = () => ['a', 'b'];
    await expect(
      modules.messageWorker(registration as never, {type: 'WBF_GET_IDS', queue: 'episodes'}),
    ).resolves.toEqual(['a', 'b']);
  });

  test("rejects with the worker's error, its name kept", async () => {
    worker.answer = () => {
      throw new DOMException('No such job.', 'InvalidStateError');
    };
    await expect(
      modules.messageWorker(registration as never, {type: 'WBF_ABORT', queue: 'q', id: 'x'}),
    ).rejects.toMatchObject({name: 'InvalidStateError', message: 'No such job.'});
  });

  test('a worker that never replies: a TimeoutError once the time is up', async () => {
    const asked = modules.messageWorker(registration as never, {type: 'WBF_HELLO'}, 20_000);
    asked.catch(() => undefined);
    await jest.advanceTimersByTimeAsync(19_999);
    expect(worker.received).toEqual([{type: 'WBF_HELLO'}]);
    await jest.advanceTimersByTimeAsync(1);
    await expect(asked).rejects.toMatchObject({name: 'TimeoutError'});
  });

  test('no active worker: a TypeError that says to register one and wait for ready', async () => {
    registration.active = null;
    await expect(modules.messageWorker(registration as never, {type: 'WBF_HELLO'})).rejects.toThrow(
      /active service worker: register one and wait for navigator\.serviceWorker\.ready/,
    );
  });
});

describe('WindowBackgroundFetchManager, fallback jobs (run by the worker)', () => {
  test('fetch() sends the serialized requests and options to the queue; the registration shows the snapshot', async () => {
    worker.answer = answers({
      WBF_GET: () => null,
      WBF_FETCH: () => snapshot({downloadTotal: 1000}),
    });
    const each = manager();
    expect(each.native).toBe(false);
    const created = await each.fetch('ep-5', EPISODE, {title: 'Episode 5', downloadTotal: 1000});
    const [sent] = worker.messages('WBF_FETCH');
    expect(sent).toMatchObject({
      queue: 'episodes',
      id: 'ep-5',
      options: {title: 'Episode 5', downloadTotal: 1000},
    });
    expect((sent.requests as Array<{url: string}>).map(({url}) => url)).toEqual([EPISODE]);
    expect(created).toMatchObject({id: 'ep-5', downloadTotal: 1000, backend: 'fallback'});
    expect(created.persisted).toBeUndefined();
  });

  test('an id the queue already runs is refused with a TypeError before anything starts', async () => {
    worker.answer = answers({WBF_GET: () => snapshot()});
    await expect(manager().fetch('ep-5', EPISODE)).rejects.toMatchObject({
      name: 'TypeError',
      message: expect.stringContaining('ep-5'),
    });
    expect(worker.messages('WBF_FETCH')).toEqual([]);
  });

  test('bad arguments are refused in the page, before any message', async () => {
    await expect(manager().fetch('', EPISODE)).rejects.toThrow(TypeError);
    await expect(manager().fetch('ep-5', [])).rejects.toThrow(TypeError);
    expect(worker.received).toEqual([]);
  });

  test('persist: true asks the browser first; registration.persisted is its answer', async () => {
    const persist = jest.fn(async () => true);
    world.storage = {persisted: async () => false, persist};
    worker.answer = answers({WBF_GET: () => null, WBF_FETCH: () => snapshot()});
    const created = await manager().fetch('ep-5', EPISODE, {persist: true});
    expect(persist).toHaveBeenCalledTimes(1);
    expect(created.persisted).toBe(true);
    expect(worker.messages('WBF_FETCH')[0].options).not.toHaveProperty('persist');
  });

  test('get() and getIds() ask the worker', async () => {
    worker.answer = answers({
      WBF_GET: ({id}) => (id === 'ep-5' ? snapshot({downloaded: 10}) : null),
      WBF_GET_IDS: () => ['ep-5'],
    });
    const each = manager();
    expect((await each.get('ep-5'))?.downloaded).toBe(10);
    expect(await each.get('other')).toBeUndefined();
    expect(await each.getIds()).toEqual(['ep-5']);
  });
});

describe('WindowRegistration of a fallback job', () => {
  async function started() {
    worker.answer = answers({
      WBF_GET: () => null,
      WBF_FETCH: () => snapshot({downloadTotal: 100}),
      WBF_PAUSE: () => true,
      WBF_RESUME: () => false,
      WBF_ABORT: () => true,
      WBF_PING: () => null,
    });
    return manager().fetch('ep-5', EPISODE);
  }

  test("follows the worker's progress broadcasts for its job only, and stops at the settlement", async () => {
    const created = await started();
    const seen: number[] = [];
    created.addEventListener('progress', () => seen.push(created.downloaded));
    broadcastFromWorker(CHANNEL, {type: 'WBF_PROGRESS', snapshot: snapshot({downloaded: 40})});
    broadcastFromWorker(CHANNEL, {
      type: 'WBF_PROGRESS',
      snapshot: snapshot({id: 'other', downloaded: 99}),
    });
    broadcastFromWorker(CHANNEL, {
      type: 'WBF_PROGRESS',
      snapshot: snapshot({queue: 'films', downloaded: 98}),
    });
    await delivered();
    expect(seen).toEqual([40]);
    broadcastFromWorker(CHANNEL, {
      type: 'WBF_SETTLED',
      event: 'success',
      snapshot: snapshot({downloaded: 100, result: 'success'}),
    });
    await delivered();
    expect(created).toMatchObject({downloaded: 100, result: 'success'});
    expect(seen).toEqual([40, 100]);
    broadcastFromWorker(CHANNEL, {type: 'WBF_PROGRESS', snapshot: snapshot({downloaded: 5})});
    await delivered();
    expect(created.downloaded).toBe(100);
  });

  test('pause(), resume() and abort() are answered by the worker', async () => {
    const created = await started();
    expect(await created.pause()).toBe(true);
    expect(await created.resume()).toBe(false);
    expect(await created.abort()).toBe(true);
    expect(worker.messages('WBF_PAUSE')[0]).toEqual({
      type: 'WBF_PAUSE',
      queue: 'episodes',
      id: 'ep-5',
    });
  });

  test('while the page watches it, the worker is pinged every 10 s; no more pings once it settled', async () => {
    const created = await started();
    await jest.advanceTimersByTimeAsync(25_000);
    expect(worker.messages('WBF_PING')).toHaveLength(2);
    broadcastFromWorker(CHANNEL, {
      type: 'WBF_SETTLED',
      event: 'abort',
      snapshot: snapshot({result: 'failure', failureReason: 'aborted'}),
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(created.failureReason).toBe('aborted');
    await jest.advanceTimersByTimeAsync(30_000);
    expect(worker.messages('WBF_PING')).toHaveLength(2);
  });

  test('matchAll(): records the worker sent become responses; failed and aborted ones reject', async () => {
    const created = await started();
    const request = await serializeRequest(new Request(EPISODE));
    const records: SerializedRecord[] = [
      {
        request,
        response: {
          url: EPISODE,
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'audio/mpeg']],
          body: new Blob(['audio']),
        },
      },
      {request, error: 'AbortError'},
      {request, error: 'TypeError'},
      {request, error: 'pending'},
    ];
    worker.answer = answers({WBF_MATCH_ALL: () => records});
    const [ok, aborted, failed, pending] = await created.matchAll(EPISODE);
    expect(worker.messages('WBF_MATCH_ALL')[0].request).toMatchObject({url: EPISODE});
    expect(ok.request.url).toBe(EPISODE);
    const response = await ok.responseReady;
    expect([response.status, response.url, await response.text()]).toEqual([200, EPISODE, 'audio']);
    await expect(aborted.responseReady).rejects.toMatchObject({name: 'AbortError'});
    await expect(failed.responseReady).rejects.toThrow('could not be fetched');
    await expect(pending.responseReady).rejects.toThrow('has not arrived yet');
  });
});

describe('WindowBackgroundFetchManager, native jobs (started from the page)', () => {
  /** The browser's BackgroundFetchRegistration of a native job. */
  function nativeRegistration() {
    return Object.assign(new EventTarget(), {
      id: 'wbf:episodes:ep-5',
      uploadTotal: 0,
      uploaded: 0,
      downloadTotal: 0,
      downloaded: 0,
      recordsAvailable: true,
      abort: jest.fn(async () => true),
      matchAll: jest.fn(async () => []),
    });
  }

  test("fetch() tells the worker the title, then starts the browser's job under the queue's job id", async () => {
    const native = nativeRegistration();
    const browser = {fetch: jest.fn(async () => native), get: jest.fn(async () => undefined)};
    registration.backgroundFetch = browser;
    worker.answer = answers({WBF_GET: () => null, WBF_LIBRARY_PREPARE: () => null});
    const each = manager();
    expect(each.native).toBe(true);
    const created = await each.fetch('ep-5', EPISODE, {title: 'Episode 5'});
    expect(worker.messages('WBF_LIBRARY_PREPARE')[0]).toMatchObject({
      id: 'ep-5',
      options: {title: 'Episode 5'},
    });
    const [jobId, requests] = browser.fetch.mock.calls[0] as unknown as [string, Request[]];
    expect(jobId).toBe('wbf:episodes:ep-5');
    expect(requests.map(({url}) => url)).toEqual([EPISODE]);
    expect(created.backend).toBe('native');
    // Native progress reaches the page from the browser.
    native.downloaded = 50;
    native.dispatchEvent(new Event('progress'));
    expect(created.downloaded).toBe(50);
    await created.abort();
    expect(native.abort).toHaveBeenCalled();
    expect(await created.pause()).toBe(false);
  });

  test('a browser that refuses (WebKit, NotAllowedError): the worker runs the job instead', async () => {
    registration.backgroundFetch = {
      fetch: async () => {
        throw new DOMException('Refused.', 'NotAllowedError');
      },
      get: async () => undefined,
    };
    worker.answer = answers({
      WBF_GET: () => null,
      WBF_LIBRARY_PREPARE: () => null,
      WBF_FETCH: () => snapshot(),
    });
    const created = await manager().fetch('ep-5', EPISODE);
    expect(created.backend).toBe('fallback');
    expect(worker.messages('WBF_FETCH')).toHaveLength(1);
  });

  test('any other refusal is thrown, and the worker forgets the title it was told', async () => {
    registration.backgroundFetch = {
      fetch: async () => {
        throw new TypeError('Bad icons.');
      },
      get: async () => undefined,
    };
    worker.answer = answers({
      WBF_GET: () => null,
      WBF_LIBRARY_PREPARE: () => null,
      WBF_LIBRARY_FORGET: () => null,
    });
    await expect(manager().fetch('ep-5', EPISODE)).rejects.toThrow('Bad icons.');
    expect(worker.messages('WBF_LIBRARY_FORGET')).toEqual([
      {type: 'WBF_LIBRARY_FORGET', queue: 'episodes', id: 'ep-5'},
    ]);
  });

  test('a queue that forces the fallback never uses the native manager', async () => {
    const browser = {fetch: jest.fn(), get: jest.fn()};
    registration.backgroundFetch = browser;
    worker.answer = answers({WBF_GET: () => null, WBF_FETCH: () => snapshot()});
    const each = manager(true);
    expect(each.native).toBe(false);
    await each.fetch('ep-5', EPISODE);
    expect(browser.fetch).not.toHaveBeenCalled();
    expect(browser.get).not.toHaveBeenCalled();
  });

  test('a native job the worker took over (a fallback broadcast) is followed through the worker', async () => {
    const native = nativeRegistration();
    registration.backgroundFetch = {fetch: async () => native, get: async () => undefined};
    worker.answer = answers({
      WBF_GET: () => null,
      WBF_LIBRARY_PREPARE: () => null,
      WBF_PAUSE: () => true,
    });
    const created = await manager().fetch('ep-5', EPISODE);
    broadcastFromWorker(CHANNEL, {type: 'WBF_PROGRESS', snapshot: snapshot({downloaded: 30})});
    await delivered();
    expect(created).toMatchObject({backend: 'fallback', downloaded: 30});
    native.downloaded = 99;
    native.dispatchEvent(new Event('progress'));
    expect(created.downloaded).toBe(30);
    expect(await created.pause()).toBe(true);
  });
});

describe('WindowDownloadLibrary (manager.library)', () => {
  test('list(), get() and remove() are answered by the worker', async () => {
    const entry = {id: 'ep-5', title: 'Episode 5'};
    worker.answer = answers({
      WBF_LIBRARY_LIST: () => [entry],
      WBF_LIBRARY_GET: ({id}) => (id === 'ep-5' ? entry : null),
      WBF_LIBRARY_REMOVE: () => true,
    });
    const {library} = manager();
    expect(library.queue).toBe('episodes');
    expect(await library.list()).toEqual([entry]);
    expect(await library.get('ep-5')).toEqual(entry);
    expect(await library.get('other')).toBeUndefined();
    expect(await library.remove('ep-5')).toBe(true);
  });

  test("a change event for every change of the queue's entries, from any page or the worker", async () => {
    const {library} = manager();
    const changes: Array<[string, string]> = [];
    library.addEventListener('change', (event) => {
      const {id, change} = event as Event & {id: string; change: string};
      changes.push([id, change]);
    });
    broadcastFromWorker(LIBRARY_CHANNEL, {
      type: 'WBF_LIBRARY_CHANGE',
      queue: 'episodes',
      id: 'ep-5',
      change: 'added',
    });
    broadcastFromWorker(LIBRARY_CHANNEL, {
      type: 'WBF_LIBRARY_CHANGE',
      queue: 'films',
      id: 'f',
      change: 'added',
    });
    broadcastFromWorker(LIBRARY_CHANNEL, {
      type: 'WBF_LIBRARY_CHANGE',
      queue: 'episodes',
      id: 'ep-5',
      change: 'removed',
    });
    await delivered();
    expect(changes).toEqual([
      ['ep-5', 'added'],
      ['ep-5', 'removed'],
    ]);
  });
});
