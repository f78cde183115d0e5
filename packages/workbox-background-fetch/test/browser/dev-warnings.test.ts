/*
  Development warnings of the worker, in real Chromium (the one engine whose
  service-worker console this harness reads: puppeteer over BiDi does not
  surface Firefox's worker realms). The worker is the suite's test worker,
  bundled in development mode:
  - as is: a finished record whose URL matches none of its routes;
  - with the app's `workbox-routing` imports taken from a second copy of the
    package (what a symlinked install or a pinned workbox version gives):
    the queue cannot see the app's routes, and says so.
*/
import {cpSync} from 'node:fs';
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {ChromiumSession, TestServer} from '@workbox-background-fetch/test-utils';
import {serveSite} from './support/serveSite';

jest.setTimeout(120_000);

const repo = join(__dirname, '..', '..', '..', '..');
const EPISODE = generateBytes(256 * 1024, 'dev-warnings');

/** The test site, its worker's own `workbox-routing` imports resolved to a copy of the package. */
function serveTwoCopiesSite(server: TestServer): Promise<string> {
  return serveSite(server, {
    worker: 'routes',
    buildOptions: (dir) => {
      const copy = join(dir, 'second-copy', 'workbox-routing');
      cpSync(join(repo, 'node_modules', 'workbox-routing'), copy, {
        recursive: true,
        filter: (source) => !source.endsWith('tsconfig.json'), // it extends a file outside the package
      });
      return {
        nodePaths: [join(repo, 'node_modules')],
        plugins: [
          {
            name: 'second-workbox-routing',
            setup(build) {
              build.onResolve({filter: /^workbox-routing$/}, (args) =>
                args.importer.endsWith(join('workers', 'routes.ts'))
                  ? {path: join(copy, 'index.mjs')}
                  : undefined,
              );
            },
          },
        ],
      };
    },
  });
}

describe('development warnings of the worker (Chromium)', () => {
  let single: TestServer;
  let double: TestServer;
  let browser: ChromiumSession;

  const download = async (server: TestServer, id: string, path: string) => {
    await browser.goto(server.url('/index.html'));
    await browser.evaluate('() => fb.registerWorker("/sw.js")');
    await browser.evaluate(
      `() => fb.startJob('episodes', ${JSON.stringify(id)}, [${JSON.stringify(path)}])`,
    );
    return browser.waitFor<{result: string}>(
      `(id) => fb.jobs && fb.jobs[id] && fb.jobs[id].result && fb.jobs[id]`,
      {args: [id], timeout: 60_000, interval: 250},
    );
  };
  const workerWarnings = () => browser.consoleLog.filter((line) => line.startsWith('[sw] warn'));

  beforeAll(async () => {
    single = await startTestServer();
    double = await startTestServer();
    for (const server of [single, double]) {
      server.addFile('/media/notes.dat', EPISODE, {contentType: 'application/octet-stream'});
      server.addFile('/media/ep.bin', EPISODE, {contentType: 'audio/mpeg'});
      server.addFile('/media/small.bin', generateBytes(1024, 'small'), {contentType: 'audio/mpeg'});
    }
    await serveSite(single, {worker: 'routes'});
    await serveTwoCopiesSite(double);
    browser = await launchEngine('chromium');
  });

  afterAll(async () => {
    await browser?.close();
    await single?.close();
    await double?.close();
  });

  test('a finished record that matches none of the registered routes: warns, naming the URL and the cache it went to', async () => {
    expect(await download(single, 'unrouted', '/media/notes.dat')).toMatchObject({
      result: 'success',
    });
    const url = single.url('/media/notes.dat');
    expect(workerWarnings().join('\n')).toMatch(
      new RegExp(
        `${url.replace(/[.]/g, '\\.')} matches none of the \\d+ routes registered, so the finished download was ` +
          `stored in the cache 'workbox-background-fetch-episodes', where those routes will not find it\\.`,
      ),
    );
  });

  test('the app registers its routes with a second copy of workbox-routing: warns of the two copies', async () => {
    expect(await download(double, 'two-copies', '/media/ep.bin')).toMatchObject({
      result: 'success',
    });
    // The symptom the warning explains: the file is not in the route's cache.
    const url = double.url('/media/ep.bin');
    expect(
      await browser.evaluate(`() => fb.hash('media-route', ${JSON.stringify(url)})`),
    ).toBeNull();
    expect(
      await browser.evaluate(
        `() => fb.hash('workbox-background-fetch-episodes', ${JSON.stringify(url)})`,
      ),
    ).toBe(sha256(EPISODE));
    const warnings = workerWarnings().join('\n');
    expect(warnings).toContain(
      `No route is registered with the copy of workbox-routing that workbox-background-fetch uses, so ${url} ` +
        `was stored in the cache 'workbox-background-fetch-episodes'. If your worker calls registerRoute(), it uses ` +
        'a second copy of workbox-routing',
    );
    // Once the app's router answered a request, the warning names it.
    await browser.evaluate(`() => fetch('/media/small.bin').then((r) => r.status)`);
    expect(await download(double, 'two-copies-2', '/media/ep.bin?2')).toMatchObject({
      result: 'success',
    });
    expect(workerWarnings().join('\n')).toContain(
      `Two copies of workbox-routing: the default router that workbox-background-fetch sees has no routes, yet ` +
        `another fetch listener answered ${double.url('/media/small.bin')}`,
    );
  });
});

afterAll(() => closeAllEngines());
