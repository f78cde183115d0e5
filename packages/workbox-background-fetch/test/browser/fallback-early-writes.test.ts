/*
  A fallback job writes each record into its destination cache while it
  downloads (EarlyRecords.ts). With chunks in Cache Storage, a write that
  falls far behind the parts stored is dropped and the record is copied
  from the stored parts at the end instead (faster there: the copy runs
  inside the browser). What a user checks, on Chromium (fallback forced),
  Firefox ESR and WebKitGTK with chunkStorage 'cache-storage': the job
  succeeds, the route's cache holds the file whole (SHA-256 of the
  source), its plugin saw both writes, and nothing of the job is left.
  The route's plugin holds the first write until the second begins, so
  the first write reads nothing: it is behind by the whole file.
*/
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import {serveSite} from './support/serveSite';
import {waitForJobEnd} from './support/waitForJobEnd';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;
/** Over the 48 MiB a write may fall behind before it is dropped. */
const SIZE = 64 * MiB + 11;
const ENGINES = ['chromium', 'firefox', 'webkit'] as const;

interface WorkerEvent {
  type: string;
  id: string;
  result: string;
  failureReason: string;
  url?: string;
  first?: boolean;
}

afterAll(() => closeAllEngines());

describe.each(ENGINES)('records written during a fallback download on %s', (engine) => {
  let server: TestServer;
  let browser: EngineSession;
  const page = <T>(fn: string) => browser.evaluate<T>(fn);

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {
      worker: 'routes',
      options: {forceFallback: true, fallback: {chunkStorage: 'cache-storage'}},
    });
    browser = await launchEngine(engine);
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker()');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a route plugin that changes the cache key (cacheKeyWillBeUsed): the record is written once, under that key, and the library lists it there, not missing', async () => {
    const body = generateBytes(3 * MiB + 7, 'keyed');
    server.addFile('/keyed/level.bin', body);
    await page(`() => fb.startJob('episodes', 'keyed', ['/keyed/level.bin'])`);
    expect(
      await waitForJobEnd<WorkerEvent>(browser, server, 'keyed', {
        timeout: 60_000,
        urlPart: '/keyed/',
        queue: 'episodes',
      }),
    ).toMatchObject({type: 'success', result: 'success'});
    expect(await page(`() => fb.hash('keyed-route', '/keyed/level.bin?v=2')`)).toBe(sha256(body));
    expect(await page(`() => fb.hash('keyed-route', '/keyed/level.bin')`)).toBeNull();
    const keyWrites = (await page<WorkerEvent[]>('() => fb.events()'))
      .filter((e) => e.type === 'key-write')
      .map((e) => new URL(e.url!).pathname);
    expect(keyWrites).toEqual(['/keyed/level.bin']);
    const entry = await page<{
      records: Array<{url: string; cacheName: string; bytes: number; missing: boolean}>;
    }>(`() => fb.libraryGet('episodes', 'keyed')`);
    expect(entry.records).toEqual([
      {
        url: server.url('/keyed/level.bin?v=2'),
        cacheName: 'keyed-route',
        bytes: body.length,
        contentType: expect.any(String),
        missing: false,
      },
    ]);
  });

  test('a write that falls behind the download by the whole file is dropped: the record is copied at the end, whole, through the route', async () => {
    const body = generateBytes(SIZE, 'held');
    server.addFile('/held-write/film.bin', body);
    await page(`() => fb.startJob('episodes', 'held', ['/held-write/film.bin'])`);
    expect(
      await waitForJobEnd<WorkerEvent>(browser, server, 'held', {
        timeout: 90_000,
        urlPart: '/held-write/',
        queue: 'episodes',
      }),
    ).toMatchObject({type: 'success', result: 'success'});
    expect(await page(`() => fb.hash('held-write-route', '/held-write/film.bin')`)).toBe(
      sha256(body),
    );
    const writes = (await page<WorkerEvent[]>('() => fb.events()'))
      .filter((e) => e.type === 'plugin-write')
      .map((e) => ({url: new URL(e.url!).pathname, first: e.first}));
    expect(writes).toEqual([
      {url: '/held-write/film.bin', first: true},
      {url: '/held-write/film.bin', first: false},
    ]);
    expect(
      await page(
        `async () => (await (await caches.open('held-write-route')).keys()).map((r) => new URL(r.url).pathname)`,
      ),
    ).toEqual(['/held-write/film.bin']);
    await browser.waitFor(
      `async () => {
        const left = await fb.leftovers();
        if (Object.values(left).some((n) => n !== 0)) throw new Error('still stored: ' + JSON.stringify(left));
        return true;
      }`,
      {timeout: 15_000},
    );
  });
});
