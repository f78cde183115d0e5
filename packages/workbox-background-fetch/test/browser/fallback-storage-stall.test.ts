/*
  A chunk store that stops answering, in real browsers: Chromium (fallback
  forced), Firefox ESR and WebKitGTK, chunks in IndexedDB on all three.
  The page holds a write transaction on the chunk database (another
  connection of the origin, as a tab of an older version of the app or an
  engine that keeps IndexedDB waiting would): every chunk write of the job
  waits behind it. Each write gives up after its bound (20 s plus 1 s per
  MiB), its range is asked again, and once the hold ends the job succeeds
  with the source bytes, one event and nothing left of it.
*/
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
  storageChange,
  storageInventory,
} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import {FALLBACK_ENGINES} from './support/fallbackEngines';
import {serveSite} from './support/serveSite';
import {untilJobDataGone} from './support/untilJobDataGone';
import {waitForJobEnd} from './support/waitForJobEnd';

jest.setTimeout(120_000);

const KiB = 1024;
const CHUNK = 256 * KiB;
const RECORDS = 'cache:workbox-background-fetch-dl';
const EVENTS = 'cache:test-events';
const LIBRARY = 'idb:workbox-background-fetch-library/entries';
/** The bound of a 256 KiB chunk write (`storePart()` in requestTasks.ts), with a margin. */
const WRITE_BOUND_MS = 20_250 + 10_000;

interface WorkerEvent {
  type: string;
  id: string;
  result: string;
  failureReason: string;
}

/**
 * Runs in the page: opens the chunk database (made as the library makes
 * it) and holds a write transaction on its store until `releaseChunks()`.
 */
const HOLD_CHUNKS = `async () => {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open('workbox-background-fetch-chunks');
    r.onupgradeneeded = () => r.result.createObjectStore('chunks');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const store = db.transaction('chunks', 'readwrite').objectStore('chunks');
  let holding = true;
  const spin = () => { if (holding) store.get('nothing').onsuccess = spin; };
  spin();
  window.releaseChunks = () => { holding = false; db.close(); };
}`;

afterAll(() => closeAllEngines());

describe.each(FALLBACK_ENGINES)('a chunk store that stops answering on %s', (engine) => {
  let server: TestServer;
  let browser: EngineSession;
  const page = <T>(fn: string) => browser.evaluate<T>(fn);

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {
      worker: 'fallback',
      options: {
        forceFallback: true,
        fallback: {
          chunkSize: CHUNK,
          maxAttempts: 4,
          backoff: {initialDelay: 100, maxDelay: 400},
          // Longer than the test: only the write bound can end a request.
          stallTimeout: 120_000,
          chunkStorage: 'indexeddb',
        },
      },
    });
    browser = await launchEngine(engine);
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker()');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('each chunk write gives up after its bound and its range is asked again; once the hold ends the job succeeds with the source bytes, one event, nothing left', async () => {
    const path = '/held/a.bin';
    const body = generateBytes(3 * CHUNK + 17, path);
    server.addFile(path, body);
    const before = await storageInventory(browser);
    await page(HOLD_CHUNKS);
    await page(`() => fb.start('held', [${JSON.stringify(path)}])`);
    // A range asked twice: a write behind the hold gave up.
    const ranges = () => server.requests.filter((r) => r.path === path).map((r) => r.range);
    await server.waitForRequest(() => new Set(ranges()).size < ranges().length, {
      timeout: WRITE_BOUND_MS,
    });
    await page('() => window.releaseChunks()');
    const end = await waitForJobEnd<WorkerEvent>(browser, server, 'held', {
      timeout: 60_000,
      urlPart: '/held/',
    });
    expect(end).toMatchObject({type: 'success', result: 'success', failureReason: ''});
    expect(
      await page<string | null>(
        `() => fb.hash('workbox-background-fetch-dl', ${JSON.stringify(path)})`,
      ),
    ).toBe(sha256(body));
    expect(
      await page<WorkerEvent[]>(`async () => (await fb.events()).filter((e) => e.id === 'held')`),
    ).toHaveLength(1);
    // The job's record and chunks go after its event.
    expect(storageChange(before, await untilJobDataGone(browser, [RECORDS, LIBRARY]))).toEqual({
      [RECORDS]: 1,
      [EVENTS]: 1,
      [LIBRARY]: 1,
    });
  });
});
