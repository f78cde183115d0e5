/*
  The native path in real Chromium: pages start jobs through
  workbox-background-fetch-window, the worker's BackgroundFetchQueue handles
  their events and routes records into Workbox caches. Run on both kinds of
  Chromium context: they download through different code in Chromium
  (incognito-like contexts vs the Download Service of a profile).
*/
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  startNginx,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {ChromiumSession, TestServer} from '@workbox-background-fetch/test-utils';
import {serveSite} from './support/serveSite';

jest.setTimeout(120_000);

interface WorkerEvent {
  type: string;
  id: string;
  result: string;
  failureReason: string;
  backend: string;
  updateUI: string;
  cachedWhenCalled: Record<string, string[]>;
}

const EPISODE = generateBytes(20 * 1024 * 1024, 'ep-5');
const ART = generateBytes(48 * 1024, 'ep-5-art');

describe.each(['chromium', 'chromium-persistent'] as const)(
  'native background fetch (%s)',
  (engine) => {
    let server: TestServer;
    let browser: ChromiumSession;

    const page = <T>(fn: string, ...args: unknown[]) =>
      browser.evaluate<T>(fn, ...(args as never[]));
    const workerEvents = () => page<WorkerEvent[]>('() => fb.events()');
    const waitForWorkerEvent = (id: string, timeout = 60_000) =>
      browser.waitFor<WorkerEvent>(
        `async (id) => (await fb.events()).find((e) => e.id === id && e.type !== 'started-in-worker' && e.type !== 'dispatched')`,
        {args: [id], timeout, interval: 250},
      );
    const waitForPageResult = (id: string, timeout = 60_000) =>
      browser.waitFor<{result: string; failureReason: string; progress: number}>(
        `(id) => fb.jobs && fb.jobs[id] && fb.jobs[id].result && fb.jobs[id]`,
        {args: [id], timeout, interval: 250},
      );

    beforeAll(async () => {
      server = await startTestServer();
      server.addFile('/media/ep-5.bin', EPISODE, {contentType: 'audio/mpeg'});
      server.addFile('/media/ep-5-art.png', ART, {contentType: 'image/png'});
      server.addFile('/media/small.bin', generateBytes(64 * 1024, 'small'));
      await serveSite(server, {worker: 'routes'});
      browser = await launchEngine(engine, {grantNotificationsFor: server.origin});
      await browser.goto(server.url('/index.html'));
      await page('() => fb.registerWorker("/sw.js")');
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    afterEach(() => server.clearFaults());

    test('a job started from the page ends in onSuccess with every record cached, bytes equal to the source', async () => {
      const started = await page<{backend: string}>(
        `() => fb.startJob('episodes', 'ep-5', ['/media/ep-5.bin', '/media/ep-5-art.png'], {title: 'Episode 5', downloadTotal: ${EPISODE.length + ART.length}})`,
      );
      expect(started.backend).toBe('native');

      const pageJob = await waitForPageResult('ep-5');
      expect(pageJob.result).toBe('success');
      expect(pageJob.failureReason).toBe('');
      expect(pageJob.progress).toBeGreaterThan(1);

      const event = await waitForWorkerEvent('ep-5');
      expect(event).toMatchObject({
        type: 'success',
        result: 'success',
        backend: 'native',
        updateUI: 'resolved',
      });
      // Records were in the caches before onSuccess ran.
      expect(event.cachedWhenCalled['media-route']).toContain(server.url('/media/ep-5.bin'));
      expect(event.cachedWhenCalled['workbox-background-fetch-episodes']).toContain(
        server.url('/media/ep-5-art.png'),
      );

      // Routed by the CacheFirst route's cacheName; the other one in the queue's default cache.
      expect(await page('() => fb.hash("media-route", "/media/ep-5.bin")')).toBe(sha256(EPISODE));
      expect(
        await page('() => fb.hash("workbox-background-fetch-episodes", "/media/ep-5-art.png")'),
      ).toBe(sha256(ART));

      // Gone from the manager once ended.
      expect(
        await page(
          `async () => (await (await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'})).get('ep-5')) === undefined`,
        ),
      ).toBe(true);
      expect(
        await page(
          `async () => (await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'})).getIds()`,
        ),
      ).not.toContain('ep-5');
    });

    test('files on a CDN (Debian nginx, another origin; cacheable answers, gzip on for JSON): every record cached whole, decoded, byte-exact', async () => {
      const cdn = await startNginx({gzipTypes: ['application/json']});
      try {
        const episode = generateBytes(6 * 1024 * 1024 + 3, 'cdn-episode');
        const level = Buffer.from(
          JSON.stringify({tiles: Array.from({length: 80_000}, (_, i) => ({i, kind: i % 5}))}),
        );
        await cdn.addFile('/cdn/e9.mp3', episode);
        await cdn.addFile('/cdn/level.json', level);
        const urls = [cdn.url('/cdn/e9.mp3'), cdn.url('/cdn/level.json')];
        await page(`() => fb.startJob('episodes', 'cdn-9', ${JSON.stringify(urls)}, {})`);
        const event = await waitForWorkerEvent('cdn-9');
        expect(event).toMatchObject({type: 'success', result: 'success'});
        const hash = (url: string) =>
          page<string | null>(
            `() => fb.hash("workbox-background-fetch-episodes", ${JSON.stringify(url)})`,
          );
        expect(await hash(urls[0])).toBe(sha256(episode));
        expect(await hash(urls[1])).toBe(sha256(level));
        // The JSON really came gzip-encoded.
        const logged = await cdn.requests();
        expect(logged.find((r) => r.path === '/cdn/level.json')?.contentEncoding).toBe('gzip');
      } finally {
        await cdn.close();
      }
    });

    test('a 404 among the requests ends in onFail with failureReason bad-status', async () => {
      await page(
        `() => fb.startJob('episodes', 'missing', ['/media/small.bin', '/media/nope.bin'], {})`,
      );
      const event = await waitForWorkerEvent('missing');
      expect(event).toMatchObject({
        type: 'fail',
        result: 'failure',
        failureReason: 'bad-status',
        updateUI: 'resolved',
      });
      expect((await waitForPageResult('missing')).failureReason).toBe('bad-status');
    });

    test('two fetch() calls of one id at once: one job, the other refused with duplicate-id, and the job keeps its library entry', async () => {
      const outcomes = await page<string[]>(
        `async () => {
          const manager = await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'});
          const settled = await Promise.allSettled(
            [0, 1].map(() => manager.fetch('race', ['/media/small.bin'], {title: 'Race'})),
          );
          return settled.map((s) => (s.status === 'fulfilled' ? s.value.id : s.reason.name + ' ' + s.reason.code));
        }`,
      );
      expect(outcomes.sort()).toEqual(['TypeError duplicate-id', 'race']);
      expect(await waitForWorkerEvent('race')).toMatchObject({type: 'success', backend: 'native'});
      expect(await page(`() => fb.libraryGet('episodes', 'race')`)).toMatchObject({
        id: 'race',
        title: 'Race',
        missing: false,
      });
    });

    test('a downloadTotal too small ends in onFail with download-total-exceeded', async () => {
      await page(
        `() => fb.startJob('episodes', 'too-big', ['/media/ep-5.bin'], {downloadTotal: 1024})`,
      );
      const event = await waitForWorkerEvent('too-big');
      expect(event).toMatchObject({type: 'fail', failureReason: 'download-total-exceeded'});
      expect(await page('() => fb.hash("media-route", "/media/slow.bin")')).toBeNull();
    });

    test('abort() of an active job resolves true and ends in onAbort with failureReason aborted', async () => {
      server.addFile('/media/slow.bin', generateBytes(4 * 1024 * 1024, 'slow'));
      server.fault('/media/slow.bin', {hang: true});
      await page(`() => fb.startJob('episodes', 'aborted', ['/media/slow.bin'], {})`);
      await server.waitForRequest((r) => r.path === '/media/slow.bin');
      expect(await page(`() => fb.registrations['aborted'].abort()`)).toBe(true);
      const event = await waitForWorkerEvent('aborted');
      expect(event).toMatchObject({
        type: 'abort',
        failureReason: 'aborted',
        updateUI: 'not called',
      });
      expect((await waitForPageResult('aborted')).failureReason).toBe('aborted');
      expect(await page(`() => fb.registrations['aborted'].abort()`)).toBe(false);
    });

    test('bad arguments are refused with a TypeError naming the problem, before Chromium sees them', async () => {
      server.addFile('/media/hold.bin', generateBytes(1024 * 1024, 'hold'));
      server.fault('/media/hold.bin', {hang: true});
      await page(`() => fb.startJob('episodes', 'held', ['/media/hold.bin'], {})`);
      const attempt = (args: string) =>
        page<string>(
          `async () => { const m = await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'}); try { await m.fetch(${args}); return 'resolved'; } catch (e) { return e.name + ': ' + e.message; } }`,
        );
      expect(await attempt(`'held', ['/media/small.bin']`)).toMatch(
        /^TypeError: .*"held" is still active/,
      );
      expect(await attempt(`'', ['/media/small.bin']`)).toMatch(
        /^TypeError: The background fetch id must be a non-empty string/,
      );
      expect(await attempt(`'empty', []`)).toMatch(/^TypeError: .*request list is empty/);
      expect(
        await attempt(`'opaque', [new Request('/media/small.bin', {mode: 'no-cors'})]`),
      ).toMatch(/^TypeError: .*'no-cors'/);
      expect(await attempt(`'ftp', ['ftp://example.com/x']`)).toMatch(
        /^TypeError: .*only downloads http\(s\) URLs/,
      );
      // The page is alive (an empty id crashes Chromium's renderer when it reaches it).
      expect(await page('() => 1 + 1')).toBe(2);
      await page(`() => fb.registrations['held'].abort()`);
      await waitForWorkerEvent('held');
    });

    test('the job ends in onSuccess with its records cached when the worker is stopped mid-job', async () => {
      const body = generateBytes(8 * 1024 * 1024, 'stopped');
      server.addFile('/media/stopped.bin', body);
      server.throttle(4 * 1024 * 1024);
      try {
        await page(`() => fb.startJob('episodes', 'stopped', ['/media/stopped.bin'], {})`);
        await server.waitForRequest(
          (r) => r.path === '/media/stopped.bin' && r.bytesSent >= 1024 * 1024,
        );
        await browser.stopServiceWorkers();
        const event = await waitForWorkerEvent('stopped', 90_000);
        expect(event).toMatchObject({type: 'success', result: 'success'});
      } finally {
        server.throttle(null);
      }
      expect(await page('() => fb.hash("media-route", "/media/stopped.bin")')).toBe(sha256(body));
    });

    test('a body cut short is never cached short: the browser resumes it (profile) or the fallback takes the job over (incognito)', async () => {
      const body = generateBytes(2 * 1024 * 1024, 'cut');
      server.addFile('/media/cut.bin', body);
      // Once: Chromium's Download Service (persistent profile) retries and resumes.
      server.fault('/media/cut.bin', {cutAfterBytes: 300 * 1024, times: 1});
      await page(`() => fb.startJob('episodes', 'cut', ['/media/cut.bin'], {})`);
      const event = await waitForWorkerEvent('cut', 90_000);
      // Incognito-like contexts report the cut as a success with an empty
      // body: the queue must not trust it, and its fallback finishes the job.
      expect(event).toMatchObject({
        type: 'success',
        backend: engine === 'chromium' ? 'fallback' : 'native',
      });
      expect(await page('() => fb.hash("media-route", "/media/cut.bin")')).toBe(sha256(body));
    });

    test('queue.fetch() inside the worker starts the job natively through an open page', async () => {
      const value = await page<{backend: string}>(
        `() => fb.ask({test: 'queue-fetch', id: 'from-worker', urls: ['/media/small.bin'], options: {title: 'From the worker'}})`,
      );
      expect(value.backend).toBe('native');
      const event = await waitForWorkerEvent('from-worker');
      expect(event).toMatchObject({type: 'success', backend: 'native'});
      expect(await page('() => fb.hash("media-route", "/media/small.bin")')).toBe(
        sha256(generateBytes(64 * 1024, 'small')),
      );
    });

    test('queue.fetch() inside the worker with no page open falls back to the chunked download', async () => {
      const body = generateBytes(96 * 1024, 'no-page');
      server.addFile('/media/no-page.bin', body);
      // The worker starts the job 2 s later, inside the message event; by then
      // the page has gone, so no window client can start it natively.
      await page(
        `() => { navigator.serviceWorker.controller.postMessage({test: 'queue-fetch', id: 'no-page', urls: ['/media/no-page.bin'], delayMs: 2000}); }`,
      );
      await browser.goto('about:blank');
      // Downloaded while no page is open.
      await server.waitForRequest((r) => r.path === '/media/no-page.bin' && r.completed, {
        timeout: 30_000,
      });
      await browser.goto(server.url('/index.html'));
      const event = await waitForWorkerEvent('no-page');
      expect(event).toMatchObject({type: 'success', backend: 'fallback'});
      expect(await page('() => fb.hash("media-route", "/media/no-page.bin")')).toBe(sha256(body));
    });

    test('bad input to the queue and the plugin gets a clear error in development builds', async () => {
      const messages = await page<string[]>(`() => fb.ask({test: 'bad-queue'})`);
      expect(messages[0]).toMatch(
        /TypeError: A BackgroundFetchQueue needs a non-empty string name, got 42/,
      );
      expect(messages[1]).toMatch(/A BackgroundFetchQueue named "episodes" already exists/);
      expect(messages[2]).toMatch(
        /TypeError: "BackgroundFetchQueue" got an unknown option "cacheNmae"\. Known options: cacheName/,
      );
      expect(messages[3]).toMatch(
        /TypeError: "BackgroundFetchQueue" option "forceFallback" must be a boolean, got "string"/,
      );
      expect(messages[4]).toMatch(/TypeError: "BackgroundFetchPlugin" got an unknown option "idd"/);
    });

    test("records are written through the route strategy's plugins (cacheKeyWillBeUsed)", async () => {
      const body = generateBytes(256 * 1024, 'keyed');
      server.addFile('/keyed/level.bin', body);
      await page(`() => fb.startJob('episodes', 'keyed', ['/keyed/level.bin'], {})`);
      expect(await waitForWorkerEvent('keyed')).toMatchObject({type: 'success'});
      expect(await page('() => fb.hash("keyed-route", "/keyed/level.bin?v=2")')).toBe(sha256(body));
      expect(await page('() => fb.hash("keyed-route", "/keyed/level.bin")')).toBeNull();
      // The library lists the record under the key it was written to: not missing.
      expect(await page(`() => fb.libraryGet('episodes', 'keyed')`)).toMatchObject({
        records: [
          {url: server.url('/keyed/level.bin?v=2'), cacheName: 'keyed-route', missing: false},
        ],
      });
    });

    test('a queue given a custom Router routes its records by that router', async () => {
      const body = generateBytes(128 * 1024, 'custom');
      server.addFile('/custom/map.bin', body);
      await page(`() => fb.startJob('custom', 'map', ['/custom/map.bin'], {})`);
      expect(await waitForWorkerEvent('map')).toMatchObject({type: 'success'});
      expect(await page('() => fb.hash("custom-route", "/custom/map.bin")')).toBe(sha256(body));
    });

    test('with several queues, backgroundFetchManager() without a queue name says which to pick', async () => {
      const message = await page<string>(
        `async () => { try { await workbox.backgroundFetchWindow.backgroundFetchManager(); return 'resolved'; } catch (e) { return e.message; } }`,
      );
      expect(message).toBe(
        'The service worker has several BackgroundFetchQueues (episodes, custom); pass {queue: name} to backgroundFetchManager().',
      );
      const unknown = await page<string>(
        `async () => { try { await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'nope'}); return 'resolved'; } catch (e) { return e.message; } }`,
      );
      expect(unknown).toBe(
        'The service worker has no BackgroundFetchQueue named "nope". Queues it has: episodes, custom.',
      );
    });

    test('the plugin hands a failed network fetch to the queue and answers with responseWhileQueued', async () => {
      const body = generateBytes(512 * 1024, 'handoff');
      let requests = 0;
      server.route('/handoff/ep-9.bin', (req, res) => {
        requests += 1;
        if (requests === 1) {
          // The page's own fetch: a network error. (It comes on a fresh
          // connection, see dropConnections() below: Chromium retries a
          // request whose reused keep-alive connection was reset.)
          req.socket.destroy();
          return;
        }
        res.writeHead(200, {'Content-Type': 'audio/mpeg', 'Content-Length': String(body.length)});
        res.end(body);
      });
      // The page package answers the worker's request to start a native job.
      await page(`() => workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'})`);
      server.dropConnections();
      const answer = await page<{status: number; text: string}>(
        `async () => { const r = await fetch('/handoff/ep-9.bin'); return {status: r.status, text: await r.text()}; }`,
      );
      expect(answer).toEqual({status: 202, text: 'Downloading in the background'});
      const id = server.url('/handoff/ep-9.bin');
      const event = await waitForWorkerEvent(id);
      expect(event).toMatchObject({type: 'success', backend: 'native'});
      expect(await page('() => fb.hash("handoff-route", "/handoff/ep-9.bin")')).toBe(sha256(body));
      // Now served from the cache by the route.
      expect(await page(`async () => (await fetch('/handoff/ep-9.bin')).status`)).toBe(200);
    });

    test('requests that succeed are left alone by the plugin', async () => {
      server.addFile('/network-only/fine.bin', generateBytes(1024, 'fine'));
      const status = await page<number>(
        `async () => (await fetch('/network-only/fine.bin')).status`,
      );
      expect(status).toBe(200);
      // The plugin acts only in fetchDidFail, before the response is handed
      // over: a 200 that reached the page proves no job was started.
      expect(
        await page(
          `async () => (await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'})).getIds()`,
        ),
      ).toEqual([]);
      expect((await workerEvents()).map((e) => e.id)).not.toContain(
        server.url('/network-only/fine.bin'),
      );
    });

    test('events of jobs started without this library are left alone', async () => {
      const outcome = await page<{ended: boolean}>(`async () => {
      const reg = await navigator.serviceWorker.ready;
      const job = await reg.backgroundFetch.fetch('foreign-job', ['/media/small.bin']);
      await new Promise((resolve) => job.addEventListener('progress', () => job.result && resolve(), {}) || setTimeout(resolve, 15000));
      return {ended: job.result !== ''};
    }`);
      expect(outcome.ended).toBe(true);
      // The worker's witness logs the end event after every queue's listener
      // ran: none of them took it (no waitUntil), so no handler can follow.
      const dispatched = await browser.waitFor<{waitUntilCalls: number}>(
        `async () => (await fb.events()).find((e) => e.type === 'dispatched' && e.id === 'foreign-job')`,
        {timeout: 30_000},
      );
      expect(dispatched.waitUntilCalls).toBe(0);
      const events = (await workerEvents()).filter((e) => e.type !== 'dispatched');
      expect(events.map((e) => e.id)).not.toContain('foreign-job');
      expect(events.map((e) => e.id)).not.toContain('wbf:episodes:foreign-job');
    });
  },
);

afterAll(() => closeAllEngines());
