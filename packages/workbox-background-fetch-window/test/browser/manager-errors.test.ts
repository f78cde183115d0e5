/*
  backgroundFetchManager() never waits for ever on a documented path: in
  real Chromium and Firefox ESR, each set-up mistake a new user makes ends in
  a rejection whose code and message say what to fix. The page is the
  runtime's test page (it loads the window package's dev IIFE from /lib/);
  the workers are tiny scripts served by the test server.
*/
import {join} from 'node:path';
import {closeAllEngines, launchEngine, startTestServer} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';

jest.setTimeout(90_000);

const repo = join(__dirname, '..', '..', '..', '..');
const site = join(repo, 'packages/workbox-background-fetch/test/browser/support/site');
const windowIife = join(repo, 'packages/workbox-background-fetch-window/dist/iife');
const RUNTIME = 'workbox-background-fetch-v0.1.0/workbox-background-fetch.prod.js';

const js = (source: string) => Buffer.from(source);
const WORKERS: Record<string, string> = {
  // The two-liner's worker without the copied runtime: importScripts() 404s.
  '/missing-runtime-sw.js': `importScripts(${JSON.stringify(RUNTIME)});\nself.addEventListener('fetch', () => {});`,
  // A worker whose install event fails, as a precache with a 404 does.
  '/failing-install-sw.js': `self.addEventListener('install', (event) => event.waitUntil(
    new Promise((resolve, reject) => setTimeout(() => reject(new Error('precache failed')), 1000))));`,
  // A worker without any BackgroundFetchQueue.
  '/no-queue-sw.js': `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));`,
};

interface Rejection {
  name: string;
  code: string;
  message: string;
}

describe.each(['chromium', 'firefox'] as const)(
  'backgroundFetchManager() set-up errors (%s)',
  (engine) => {
    let server: TestServer;
    let browser: EngineSession;

    /** Runs `call` (source of an async expression) in a fresh page; resolves with how it rejected. */
    const rejection = async (call: string): Promise<Rejection | string> => {
      await browser.goto(server.url('/index.html'));
      return browser.evaluate<Rejection | string>(`async () => {
      try {
        await ${call};
        return 'resolved';
      } catch (error) {
        return {name: error.name, code: error.code, message: error.message};
      }
    }`);
    };

    beforeAll(async () => {
      server = await startTestServer();
      for (const [path, source] of Object.entries(WORKERS)) {
        server.addFile(path, js(source), {contentType: 'text/javascript'});
      }
      server.serveDir('/lib/', windowIife);
      server.serveDir('/', site);
      browser = await launchEngine(engine);
    });

    afterEach(async () => {
      await browser.evaluate(`async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) {
        await registration.unregister();
      }
    }`);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    const manager = (options: Record<string, unknown>) =>
      `workbox.backgroundFetchWindow.backgroundFetchManager(${JSON.stringify(options)})`;

    test('no registration: rejects after the timeout, telling to register the worker', async () => {
      const error = await rejection(manager({queue: 'downloads', timeout: 1500}));
      expect(error).toMatchObject({name: 'WorkboxBackgroundFetchError', code: 'no-registration'});
      expect((error as Rejection).message).toContain(
        `No service worker is registered for this page (${server.url('/index.html')}) after 1.5 s.`,
      );
      expect((error as Rejection).message).toContain("navigator.serviceWorker.register('/sw.js')");
    });

    test('a script whose importScripts() file is missing: names the worker, the missing file and the fix', async () => {
      const error = await rejection(
        manager({queue: 'downloads', serviceWorker: '/missing-runtime-sw.js'}),
      );
      expect(error).toMatchObject({
        name: 'WorkboxBackgroundFetchError',
        code: 'worker-install-failed',
      });
      const url = server.url(`/${RUNTIME}`);
      expect((error as Rejection).message).toBe(
        `The service worker ${server.url('/missing-runtime-sw.js')} failed to install: it loads ${url} ` +
          `with importScripts(), and GET ${url} answered 404: copy the runtime there ` +
          `(backgroundFetchPlugin({…, swDest}) of workbox-background-fetch-build copies it when the worker ` +
          `is written; or run "npx workbox-background-fetch copyLibraries <folder of the worker>").`,
      );
    });

    test('a missing script: names it and its 404', async () => {
      const error = await rejection(manager({serviceWorker: '/no-such-sw.js'}));
      expect(error).toMatchObject({code: 'worker-install-failed'});
      expect((error as Rejection).message).toBe(
        `The service worker ${server.url('/no-such-sw.js')} failed to install: ` +
          `GET ${server.url('/no-such-sw.js')} answered 404.`,
      );
    });

    test('a worker the page registered whose install event fails: names its script', async () => {
      const error = await rejection(
        `(navigator.serviceWorker.register('/failing-install-sw.js').catch(() => {}), ${manager({})})`,
      );
      expect(error).toMatchObject({code: 'worker-install-failed'});
      expect((error as Rejection).message).toMatch(
        new RegExp(
          `^The service worker ${server.url('/failing-install-sw.js').replace(/[.]/g, '\\.')} failed to install: ` +
            `it threw while starting, or its install event failed`,
        ),
      );
    });

    test('an active worker without a queue: rejects after the timeout, naming the worker and the fix', async () => {
      const error = await rejection(manager({serviceWorker: '/no-queue-sw.js', timeout: 2000}));
      expect(error).toMatchObject({name: 'WorkboxBackgroundFetchError', code: 'no-queue-answer'});
      expect((error as Rejection).message).toBe(
        `The service worker ${server.url('/no-queue-sw.js')} did not answer within 2 s: it runs no ` +
          `BackgroundFetchQueue. Create one at the top level of the worker (new BackgroundFetchQueue('downloads', …) ` +
          `from workbox-background-fetch, backgroundFetchRecipe(), or the backgroundFetch section of a ` +
          `workbox-background-fetch-build config), then reload.`,
      );
    });
  },
);

afterAll(() => closeAllEngines());
