/*
  The native-api example: a page and a worker written only against the
  native Background Fetch API, plus the two polyfill lines. On Chromium the
  browser's own Background Fetch runs it (the page polyfill steps aside); on
  Firefox ESR and WebKitGTK the polyfill does. Either way the connection is
  cut mid-download, the download goes on, and the worker's
  backgroundfetchsuccess handler copies the whole file into its cache.
*/
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineName, EngineSession, TestServer} from '@workbox-background-fetch/test-utils';

jest.setTimeout(120_000);

const root = join(__dirname, '../../../..');
const EPISODE = '/media/episode-5.mp3';

describe.each([
  // A real profile: Chromium's Download Service resumes a cut download
  // (an incognito-like context reports it as an empty success).
  ['chromium-persistent', 'native'],
  ['firefox', 'polyfill'],
  ['webkit', 'polyfill'],
] as Array<[EngineName, string]>)('native-api example in %s (%s)', (engine, implementation) => {
  let server: TestServer;
  let browser: EngineSession;
  const body = generateBytes(4 * 1024 * 1024 + 17, `native-api-${engine}`);

  beforeAll(async () => {
    server = await startTestServer();
    server.serveDir(
      '/vendor/workbox-background-fetch/',
      join(root, 'packages/workbox-background-fetch/dist/iife'),
    );
    server.serveDir(
      '/vendor/workbox-background-fetch-window/',
      join(root, 'packages/workbox-background-fetch-window/dist/iife'),
    );
    server.serveDir('/', join(root, 'examples/native-api/public'));
    // The page reads its size (downloadTotal) with a HEAD request.
    server.addFile(EPISODE, body, {contentType: 'audio/mpeg'});
    browser = await launchEngine(engine);
    await browser.goto(server.url('/index.html'));
    await browser.waitFor('() => document.documentElement.dataset.status === "Ready"', {
      timeout: 60_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test(`registration.backgroundFetch is the ${implementation} one`, async () => {
    const native = await browser.evaluate<boolean>(`() =>
      Object.getOwnPropertyDescriptor(ServiceWorkerRegistration.prototype, 'backgroundFetch')
        .get.toString().includes('[native code]')`);
    expect(native).toBe(implementation === 'native');
  });

  test('a download cut mid-way ends in the cache whole, copied by backgroundfetchsuccess', async () => {
    // Mid-way through the first request, whatever its size (the fallback asks
    // for its first chunk, 1 MiB or more).
    server.fault(EPISODE, {times: 1, cutAfterBytes: 512 * 1024});
    await browser.evaluate(`() => document.querySelector('#download').click()`);
    await browser.waitFor(`() => document.documentElement.dataset.status === 'Downloaded'`, {
      timeout: 100_000,
    });
    const cut = server.requests.find(
      (r) => r.path === EPISODE && r.method === 'GET' && !r.completed,
    );
    expect(cut?.bytesSent).toBeGreaterThan(0);
    // The page learns the result before the worker's handler copied the file.
    const hash = await browser.waitFor<string>(
      `async () => {
        const response = await caches.match('${EPISODE}', {cacheName: 'downloads'});
        if (!response) return false;
        const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      }`,
      {timeout: 30_000, interval: 250},
    );
    expect(hash).toBe(sha256(body));
  });
});

afterAll(() => closeAllEngines());
