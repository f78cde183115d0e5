/*
  WebKitGTK with its Background Fetch flag on exposes
  `registration.backgroundFetch`, yet `fetch()` rejects with
  NotAllowedError: feature-detected but unusable. A queue left on `auto`
  (no forceFallback) must fall back there instead of failing.
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
import {expectOnlyRecordsAndEvents} from './support/expectOnlyRecordsAndEvents';

jest.setTimeout(90_000);

const RECORDS_CACHE = 'workbox-background-fetch-dl';
describe('WebKitGTK with --features=+BackgroundFetchAPI', () => {
  let server: TestServer;
  let browser: EngineSession;

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {worker: 'fallback', options: {fallback: {chunkSize: 256 * 1024}}});
    browser = await launchEngine('webkit', {args: ['--features=+BackgroundFetchAPI']});
    await browser.goto(server.url('/index.html'));
    await browser.evaluate('() => fb.registerWorker()');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('Background Fetch is present but refused (NotAllowedError)', async () => {
    const outcome = await browser.evaluate<string>(`async () => {
      const registration = await navigator.serviceWorker.ready;
      if (!registration.backgroundFetch) return 'absent';
      return fb.attempt(() => registration.backgroundFetch.fetch('direct', ['/x.bin']));
    }`);
    expect(outcome).toMatch(/^NotAllowedError/);
  });

  test('a job started from the page falls back and succeeds', async () => {
    const body = generateBytes(1024 * 1024 + 3, 'flag-page');
    server.addFile('/flag/page.bin', body);
    expect(await browser.evaluate(`() => fb.start('from-page', ['/flag/page.bin'])`)).toMatchObject(
      {
        backend: 'fallback',
      },
    );
    const event = await browser.waitFor(`() => fb.event('from-page')`, {timeout: 60_000});
    expect(event).toMatchObject({type: 'success', backend: 'fallback'});
    expect(await browser.evaluate(`() => fb.hash('${RECORDS_CACHE}', '/flag/page.bin')`)).toBe(
      sha256(body),
    );
    await expectOnlyRecordsAndEvents(browser, RECORDS_CACHE);
  });

  test('a job started inside the worker falls back and succeeds', async () => {
    const body = generateBytes(300 * 1024, 'flag-worker');
    server.addFile('/flag/worker.bin', body);
    const snapshot = await browser.evaluate<{backend: string}>(
      `() => fb.ask({test: 'fetch', id: 'from-worker', urls: ['/flag/worker.bin']})`,
    );
    expect(snapshot.backend).toBe('fallback');
    const event = await browser.waitFor(`() => fb.event('from-worker')`, {timeout: 60_000});
    expect(event).toMatchObject({type: 'success', backend: 'fallback'});
    expect(await browser.evaluate(`() => fb.hash('${RECORDS_CACHE}', '/flag/worker.bin')`)).toBe(
      sha256(body),
    );
    await expectOnlyRecordsAndEvents(browser, RECORDS_CACHE);
  });
});

afterAll(() => closeAllEngines());
