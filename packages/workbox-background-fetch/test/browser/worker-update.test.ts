/*
  A service worker update while a fallback download runs, in a worker that
  calls skipWaiting(): the new version activates while the job is still
  active, the job goes on in it, its end event runs once, in the new
  version, and the bytes reach the cache whole. Two workers: the polyfill's
  (the native API: backgroundfetchsuccess) and a BackgroundFetchQueue's
  (onSuccess). Firefox and WebKit used to hold the new version back until
  the download ended and ran the end event in the outdated worker (WebKit
  then lost that worker's Cache Storage writes). Not run on Chromium: there
  jobs are the browser's own, with no fallback download to hand over.
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

jest.setTimeout(180_000);

const root = join(__dirname, '../../../..');
const support = join(__dirname, 'support/worker-update');
const EPISODE = '/files/episode.bin';
const QUEUED = '/files/queued.bin';

describe.each(['firefox', 'webkit'] as EngineName[])(
  'worker update during a fallback download in %s',
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
      // One page for both workers (it picks by its path).
      server.route('/queue/index.html', (_req, res) => {
        res.writeHead(200, {'Content-Type': 'text/html'});
        res.end(readFileSync(join(support, 'index.html')));
      });
      for (const path of ['/sw.js', '/queue/sw.js']) {
        const worker = readFileSync(join(support, path), 'utf8');
        server.route(path, (_req, res) => {
          res.writeHead(200, {'Content-Type': 'text/javascript'});
          res.end(`const VERSION = ${version};\n${worker}`);
        });
      }
      server.addFile(EPISODE, body);
      server.addFile(QUEUED, body);
      server.addFile('/ping.txt', Buffer.from('pong'));
      server.addFile('/queue/ping.txt', Buffer.from('pong'));
      browser = await launchEngine(engine);
    });

    /** Opens `page` and waits until its worker (version 1) controls it. */
    const open = async (page: string) => {
      version = 1;
      await browser.goto(server.url(page));
      await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
        timeout: 60_000,
      });
    };

    /**
     * Starts a throttled job with `start`, serves version 2 of the worker
     * once bytes flow, and checks that version 2 runs the job to one end
     * event and the whole file in the 'downloads' cache.
     */
    const expectTakeOver = async (start: string, path: string, ids: string, event: object) => {
      server.throttle(512 * 1024);
      try {
        await browser.evaluate(start);
        await server.waitForRequest((r) => r.path === path && r.bytesSent > 256 * 1024, {
          timeout: 30_000,
        });
        version = 2;
        await browser.evaluate(`async () => (await navigator.serviceWorker.ready).update()`);
        // Version 2 is active while the job still is.
        const active = await browser.waitFor<string[]>(
          `async () => (await window.activeVersion()) === 2 && (${ids})()`,
          {timeout: 30_000, interval: 200},
        );
        expect(active.length).toBe(1);
      } finally {
        server.throttle(null);
      }
      const hash = await browser.waitFor<string>(
        `() => window.events.length > 0 && window.cachedHash('${server.url(path)}')`,
        {timeout: 60_000, interval: 200},
      );
      expect(hash).toBe(sha256(body));
      expect(await browser.evaluate('() => window.events')).toEqual([event]);
    };

    afterAll(async () => {
      server?.throttle(null);
      await browser?.close();
      await server?.close();
    });

    test('polyfill: the new version takes the job over: one backgroundfetchsuccess, in it, and the whole file cached', async () => {
      await open('/index.html');
      await expectTakeOver(
        `async () => {
          const registration = await navigator.serviceWorker.ready;
          await registration.backgroundFetch.fetch('episode', ['${EPISODE}'], {title: 'Episode'});
          // A request through the worker while it downloads, as any app page makes.
          void fetch('/ping.txt');
        }`,
        EPISODE,
        `async () => (await navigator.serviceWorker.ready).backgroundFetch.getIds()`,
        {type: 'backgroundfetchsuccess', id: 'episode', version: 2},
      );
    });

    test('BackgroundFetchQueue: the new version takes the job over: one onSuccess, in it, and the whole file cached', async () => {
      await open('/queue/index.html');
      const manager = `workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'downloads'})`;
      await expectTakeOver(
        `async () => {
          const manager = await ${manager};
          await manager.fetch('queued', ['${QUEUED}'], {title: 'Queued'});
          // A request through the worker while it downloads, as any app page makes.
          void fetch('/queue/ping.txt');
        }`,
        QUEUED,
        `async () => (await ${manager}).getIds()`,
        {type: 'onSuccess', id: 'queued', version: 2},
      );
    });
  },
);

afterAll(() => closeAllEngines());
