/*
  How a native job starts (startNative.ts with startNativeFromWindow.ts and
  askClient.ts): from the worker where the browser allows it, else through
  an open page, else a NotAllowedError the queue answers with the fallback.
  The browser's manager and the worker's window clients are injected
  stand-ins; the page's reply crosses a real MessageChannel.
*/
import {startNative} from '../../../src/lib/native/startNative';

// The logs are not under test.
jest.mock('../../../src/lib/logger', () => jest.requireActual('../support/silentLogger'));
import type {BackgroundFetchManager, BackgroundFetchRegistration} from '../../../src/types';

type Reply = {ok: true; value: null} | {ok: false; error: {name: string; message: string}};

/** A window client that answers WBF_START_NATIVE with `reply` (or never), and records what it was asked. */
function page(reply: Reply | undefined, focused = false, name = 'page') {
  const asked: string[] = [];
  return {
    asked,
    name,
    focused,
    visibilityState: 'visible',
    postMessage(message: {type: string; jobId: string}, [port]: MessagePort[]) {
      asked.push(`${message.type} ${message.jobId}`);
      askOrder.push(name);
      if (reply) {
        port.postMessage(reply);
      }
      // The test's port stays open otherwise: close it so Node can exit.
      setTimeout(() => port.close(), 0);
    },
  };
}

/** A browser manager whose fetch() in the worker rejects with `workerError` (or resolves). */
function manager(workerError?: Error, startedByPage = true) {
  const jobs = new Map<string, BackgroundFetchRegistration>();
  const registration = (id: string) => ({id}) as BackgroundFetchRegistration;
  const fake = {
    jobs,
    fetch: async (id: string) => {
      if (workerError) {
        throw workerError;
      }
      jobs.set(id, registration(id));
      return jobs.get(id)!;
    },
    get: async (id: string) => jobs.get(id) ?? (startedByPage ? registration(id) : undefined),
    getIds: async () => [...jobs.keys()],
  };
  return fake as unknown as BackgroundFetchManager & {jobs: typeof jobs};
}

const notInWorker = () =>
  new DOMException('Not allowed in service worker environments', 'NotAllowedError');

let windows: ReturnType<typeof page>[] = [];
/** The pages asked, in order. */
let askOrder: string[] = [];
beforeEach(() => {
  askOrder = [];
});

beforeAll(() => {
  (globalThis as {self?: unknown}).self = {
    clients: {matchAll: async () => windows},
  };
});

afterAll(() => {
  delete (globalThis as {self?: unknown}).self;
});

const request = () => new Request('https://example.com/a.bin');

describe('a native start', () => {
  test('runs in the worker where the browser allows it; no page is asked', async () => {
    const open = page({ok: true, value: null});
    windows = [open];
    const registration = await startNative(manager(), 'q:ep-5', [request()], {});
    expect(registration.id).toBe('q:ep-5');
    expect(open.asked).toEqual([]);
  });

  test('is asked of an open page when the worker may not start it', async () => {
    const open = page({ok: true, value: null});
    windows = [open];
    const registration = await startNative(manager(notInWorker()), 'q:ep-5', [request()], {});
    expect(registration.id).toBe('q:ep-5');
    expect(open.asked).toEqual(['WBF_START_NATIVE q:ep-5']);
  });

  test('asks the focused page first, then the next when one refuses', async () => {
    const refusing = page(
      {ok: false, error: {name: 'NotAllowedError', message: 'in the background'}},
      true,
      'focused',
    );
    const other = page({ok: true, value: null}, false, 'other');
    windows = [other, refusing];
    await startNative(manager(notInWorker()), 'q:ep-5', [request()], {});
    expect(askOrder).toEqual(['focused', 'other']);
  });

  test('with no page open, rejects with NotAllowedError coded no-window-client (the queue falls back)', async () => {
    windows = [];
    await expect(
      startNative(manager(notInWorker()), 'q:ep-5', [request()], {}),
    ).rejects.toMatchObject({name: 'NotAllowedError', code: 'no-window-client'});
  });

  test("a page's other error is the caller's, with its name", async () => {
    windows = [page({ok: false, error: {name: 'TypeError', message: 'bad port'}})];
    await expect(startNative(manager(notInWorker()), 'q:x', [request()], {})).rejects.toMatchObject(
      {
        name: 'TypeError',
        message: 'bad port',
      },
    );
  });

  test("the worker's other errors are the caller's: no page is asked", async () => {
    const open = page({ok: true, value: null});
    windows = [open];
    await expect(
      startNative(manager(new TypeError('duplicate')), 'q:x', [request()], {}),
    ).rejects.toThrow('duplicate');
    expect(open.asked).toEqual([]);
  });

  test("a job that ended before the page answered is an InvalidStateError coded native-ended-at-once, naming the caller's id", async () => {
    windows = [page({ok: true, value: null})];
    const error = await startNative(
      manager(notInWorker(), false),
      'q:tiny',
      [request()],
      {},
      'tiny',
    ).then(
      () => undefined,
      (caught: unknown) => caught as Error & {code: string},
    );
    expect(error).toMatchObject({name: 'InvalidStateError', code: 'native-ended-at-once'});
    expect(error?.message).toContain('"tiny"');
  });
});
