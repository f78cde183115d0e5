/*
  A service worker update while a polyfill download runs (the two polyfill
  lines, the native API, a worker that calls skipWaiting()): the new version
  activates while the job is still active, the job goes on in it, its
  backgroundfetchsuccess runs once, in the new version, and the bytes reach
  the cache whole. Firefox and WebKit used to hold the new version back until
  the download ended and ran the end event in the outdated worker (WebKit then
  lost that worker's Cache Storage writes). Not run on Chromium: there the
  page polyfill steps aside and the browser's own job runs, with nothing of
  the polyfill's fallback to hand over.
*/
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineName, EngineSession, TestServer} from '@workbox-background-fetch/test-utils';

jest.setTimeout(90_000);

const root = join(__dirname, '../../../..');
const support = join(__dirname, 'support/polyfill-update');
const EPISODE = '/files/episode.bin';

describe.each(['firefox', 'webkit'] as EngineName[])(
  'worker update during a polyfill download in %s',
  (engine) => {
    let server: TestServer;
    let browser: EngineSession;
    let version = 1;
    const body = generateBytes(3 * 1024 * 1024 + 7, `update-${engine}`);

    beforeAll(async () => {
      server = await startTestServer();
      server.serveDir('/iife/', join(root, 'packages/workbox-background-fetch/dist/iife'));
      server.serveDir(
        '/window-iife/',
        join(root, 'packages/workbox-background-fetch-window/dist/iife'),
      );
      server.serveDir('/', support);
      const worker = readFileSync(join(support, 'sw.js'), 'utf8');
      server.route('/sw.js', (_req, res) => {
        res.writeHead(200, {'Content-Type': 'text/javascript'});
        res.end(`const VERSION = ${version};\n${worker}`);
      });
      server.addFile(EPISODE, body);
      browser = await launchEngine(engine);
      await browser.goto(server.url('/index.html'));
      await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
        timeout: 60_000,
      });
    });

    afterAll(async () => {
      server?.throttle(null);
      await browser?.close();
      await server?.close();
    });

    test('the new version takes the job over: one backgroundfetchsuccess, in it, and the whole file cached', async () => {
      server.throttle(512 * 1024);
      await browser.evaluate(`async () => {
        const registration = await navigator.serviceWorker.ready;
        await registration.backgroundFetch.fetch('episode', ['${EPISODE}'], {title: 'Episode'});
      }`);
      await server.waitForRequest((r) => r.path === EPISODE && r.bytesSent > 256 * 1024);
      version = 2;
      await browser.evaluate(`async () => (await navigator.serviceWorker.ready).update()`);
      // Version 2 is active while the job still is.
      const ids = await browser.waitFor<string[]>(
        `async () => (await window.activeVersion()) === 2 &&
          (await navigator.serviceWorker.ready).backgroundFetch.getIds()`,
        {timeout: 30_000, interval: 200},
      );
      expect(ids).toEqual(['episode']);
      server.throttle(null);
      const hash = await browser.waitFor<string>(
        `() => window.events.length > 0 && window.cachedHash('${server.url(EPISODE)}')`,
        {timeout: 60_000, interval: 200},
      );
      expect(hash).toBe(sha256(body));
      expect(await browser.evaluate('() => window.events')).toEqual([
        {type: 'backgroundfetchsuccess', id: 'episode', version: 2},
      ]);
    });
  },
);

afterAll(() => closeAllEngines());
