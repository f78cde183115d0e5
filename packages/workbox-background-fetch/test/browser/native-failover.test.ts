/*
  Native jobs the browser cannot finish right, in real Chromium: a record
  the browser reports whole but that is not (cut mid-body with a length,
  chunked, gzip) is never cached; a network failure is taken over by the
  chunked fallback under the same id (incognito-like contexts fail at once);
  a reload of the page does not leave the reloaded page without progress;
  records stay readable from a page while the job settles.
*/
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

interface WorkerEvent {
  type: string;
  id: string;
  result: string;
  failureReason: string;
  backend: string;
}

/** Test-page helpers shared by both kinds of Chromium context. */
function pageTools(getBrowser: () => ChromiumSession) {
  const page = <T>(fn: string, ...args: unknown[]) =>
    getBrowser().evaluate<T>(fn, ...(args as never[]));
  const endEvents = async (id: string) =>
    (await page<WorkerEvent[]>('() => fb.events()')).filter(
      (e) => e.id === id && ['success', 'fail', 'abort'].includes(e.type),
    );
  const waitForWorkerEvent = (id: string, type: string, timeout = 90_000) =>
    getBrowser().waitFor<WorkerEvent>(
      `async ([id, type]) => (await fb.events()).find((e) => e.id === id && e.type === type)`,
      {args: [[id, type]], timeout, interval: 250},
    );
  const waitForEnd = (id: string, timeout = 90_000) =>
    getBrowser().waitFor<WorkerEvent>(
      `async (id) => (await fb.events()).find((e) => e.id === id && ['success', 'fail', 'abort'].includes(e.type))`,
      {args: [id], timeout, interval: 250},
    );
  const waitForPageResult = (id: string, timeout = 90_000) =>
    getBrowser().waitFor<{
      result: string;
      failureReason: string;
      backend: string;
      downloaded: number;
    }>(`(id) => fb.jobs[id].result && {...fb.jobs[id], backend: fb.registrations[id].backend}`, {
      args: [id],
      timeout,
      interval: 250,
    });
  return {page, endEvents, waitForWorkerEvent, waitForEnd, waitForPageResult};
}

/**
 * Starts native job `id` on a throttled file, reloads the page once bytes
 * flow, and waits (no timing assertion) for the reloaded page to see a
 * `progress` of the job while it is still running; then checks the bytes.
 * Chromium's profile (download service) pauses the download for ~30 s after
 * the page load: the progress comes when it resumes.
 */
async function expectProgressAfterReload(
  browser: ChromiumSession,
  server: TestServer,
  id: string,
): Promise<void> {
  const url = `/media/${id}.bin`;
  const body = generateBytes(2 * 1024 * 1024, id);
  server.addFile(url, body);
  server.throttle(512 * 1024);
  try {
    await browser.evaluate(`(id, url) => fb.startJob('episodes', id, [url], {})`, id, url);
    await server.waitForRequest((r) => r.path === url && r.bytesSent > 64 * 1024, {
      timeout: 60_000,
    });
    await browser.page.reload({waitUntil: 'load'});
    const backend = await browser.evaluate<string>(
      `async (id) => {
      const manager = await workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'episodes'});
      const registration = await manager.get(id);
      window.reloaded = [];
      registration.addEventListener('progress', () =>
        window.reloaded.push({downloaded: registration.downloaded, result: registration.result}));
      return registration.backend;
    }`,
      id,
    );
    expect(backend).toBe('native');
    // A progress while the job is still running, then the result.
    await browser.waitFor(
      `() => window.reloaded.some((p) => p.result === '' && p.downloaded > 0)`,
      {timeout: 90_000, interval: 100},
    );
    const seen = await browser.waitFor<Array<{result: string}>>(
      `() => window.reloaded.some((p) => p.result) && window.reloaded`,
      {timeout: 90_000, interval: 250},
    );
    expect(seen.findIndex((p) => p.result === '')).toBeLessThan(
      seen.findIndex((p) => p.result === 'success'),
    );
  } finally {
    server.throttle(null);
  }
  expect(await browser.evaluate('(url) => fb.hash("media-route", url)', url)).toBe(sha256(body));
}

describe('native failures taken over by the fallback (chromium, incognito-like)', () => {
  let server: TestServer;
  let browser: ChromiumSession;
  const {page, endEvents, waitForWorkerEvent, waitForEnd, waitForPageResult} = pageTools(
    () => browser,
  );

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {worker: 'routes'});
    browser = await launchEngine('chromium');
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker("/sw.js")');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => server.clearFaults());

  /** Starts `id`, waits for its one end event, checks page, worker and cache agree on a success by the fallback. */
  async function expectTakenOver(id: string, url: string, body: Buffer): Promise<void> {
    const event = await waitForEnd(id);
    expect(event).toMatchObject({type: 'success', result: 'success', backend: 'fallback'});
    expect(await page(`(url) => fb.hash("media-route", url)`, url)).toBe(sha256(body));
    // The page's registration followed the fallback to the end.
    const pageJob = await waitForPageResult(id);
    expect(pageJob).toMatchObject({
      result: 'success',
      failureReason: '',
      backend: 'fallback',
      downloaded: body.length,
    });
    expect(await endEvents(id)).toHaveLength(1);
  }

  test('a connection dropped mid-body (with Content-Length): the job goes on with the fallback and succeeds byte-exact', async () => {
    const body = generateBytes(1024 * 1024, 'drop-cl');
    server.addFile('/media/drop-cl.bin', body);
    server.fault('/media/drop-cl.bin', {cutAfterBytes: 256 * 1024, times: 1});
    const started = await page<{backend: string}>(
      `() => fb.startJob('episodes', 'drop-cl', ['/media/drop-cl.bin'], {title: 'Dropped'})`,
    );
    expect(started.backend).toBe('native');
    await expectTakenOver('drop-cl', '/media/drop-cl.bin', body);
    // The first answer was cut; the fallback asked again.
    expect(server.requests.filter((r) => r.path === '/media/drop-cl.bin').length).toBeGreaterThan(
      1,
    );
  });

  test('a chunked response (no Content-Length) cut mid-body is never cached as a success; the fallback gets it whole', async () => {
    const body = generateBytes(768 * 1024, 'drop-chunked');
    server.addFile('/media/drop-chunked.bin', body);
    server.fault('/media/drop-chunked.bin', {
      noContentLength: true,
      cutAfterBytes: 200 * 1024,
      times: 1,
    });
    await page(`() => fb.startJob('episodes', 'drop-chunked', ['/media/drop-chunked.bin'], {})`);
    await expectTakenOver('drop-chunked', '/media/drop-chunked.bin', body);
  });

  test('a gzip-encoded response cut mid-body is never cached as a success; the fallback gets it whole', async () => {
    // Text that gzip shrinks by a quarter only: the cut lands mid-body.
    const level = Buffer.from(
      JSON.stringify({tiles: generateBytes(192 * 1024, 'level').toString('base64')}),
    );
    server.addFile('/media/level.json.bin', level, {gzip: true, contentType: 'application/json'});
    server.fault('/media/level.json.bin', {cutAfterBytes: 16 * 1024, times: 1});
    await page(`() => fb.startJob('episodes', 'drop-gzip', ['/media/level.json.bin'], {})`);
    await expectTakenOver('drop-gzip', '/media/level.json.bin', level);
    // The native request really was gzip-encoded and cut.
    const first = server.requests.find((r) => r.path === '/media/level.json.bin')!;
    expect(first.completed).toBe(false);
    expect(String(first.headers['accept-encoding'])).toMatch(/gzip/);
  });

  test('a refused connection at the start: the fallback takes the job over and finishes it once the server is up', async () => {
    // A port nothing listens on (yet).
    const later = await startTestServer();
    const port = later.port;
    await later.close();
    const url = `http://127.0.0.1:${port}/media/refused.bin`;
    await page(`(url) => fb.startJob('episodes', 'refused', [url], {})`, url);
    await browser.waitFor(`() => fb.registrations['refused'].backend === 'fallback'`, {
      timeout: 60_000,
    });
    const body = generateBytes(512 * 1024, 'refused');
    const revived = await startTestServer({port});
    try {
      revived.addFile('/media/refused.bin', body);
      const event = await waitForEnd('refused');
      expect(event).toMatchObject({type: 'success', backend: 'fallback'});
      expect(await page(`(url) => fb.hash("media-route", url)`, url)).toBe(sha256(body));
      expect(await waitForPageResult('refused')).toMatchObject({
        result: 'success',
        backend: 'fallback',
      });
      expect(await endEvents('refused')).toHaveLength(1);
    } finally {
      await revived.close();
    }
  });

  test('records of a taken-over job are readable from the page while it settles', async () => {
    const body = generateBytes(300 * 1024, 'hold-fallback');
    server.addFile('/media/hold-fallback.bin', body);
    server.fault('/media/hold-fallback.bin', {cutAfterBytes: 64 * 1024, times: 1});
    await page(`() => fb.startJob('episodes', 'hold-fallback', ['/media/hold-fallback.bin'], {})`);
    expect(await waitForWorkerEvent('hold-fallback', 'holding')).toMatchObject({
      backend: 'fallback',
    });
    const read = await page<{count: number; hash: string}>(`async () => {
      const registration = fb.registrations['hold-fallback'];
      const records = await registration.matchAll();
      const one = await registration.match('/media/hold-fallback.bin');
      const bytes = await (await one.responseReady).arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', bytes);
      return {count: records.length, hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')};
    }`);
    expect(read).toEqual({count: 1, hash: sha256(body)});
    await page(`() => fb.ask({test: 'release', id: 'hold-fallback'})`);
    expect(await waitForEnd('hold-fallback')).toMatchObject({type: 'success'});
  });

  test('a page reloaded during a native job gets progress for it, and the job ends in success byte-exact', async () => {
    await expectProgressAfterReload(browser, server, 'reload');
    expect(await waitForEnd('reload')).toMatchObject({type: 'success', backend: 'native'});
  });

  test('with nativeFailover: false a dropped connection keeps native semantics: fetch-error, nothing cached', async () => {
    const optOut = await startTestServer();
    try {
      await serveSite(optOut, {worker: 'routes', options: {nativeFailover: false}});
      const body = generateBytes(512 * 1024, 'opt-out');
      optOut.addFile('/media/opt-out.bin', body);
      optOut.fault('/media/opt-out.bin', {
        noContentLength: true,
        cutAfterBytes: 100 * 1024,
        times: 1,
      });
      await browser.goto(optOut.url('/index.html'));
      await page('() => fb.registerWorker("/sw.js")');
      await page(`() => fb.startJob('episodes', 'opt-out', ['/media/opt-out.bin'], {})`);
      expect(await waitForEnd('opt-out')).toMatchObject({
        type: 'fail',
        failureReason: 'fetch-error',
        backend: 'native',
      });
      expect(await page('() => fb.hash("media-route", "/media/opt-out.bin")')).toBeNull();
      expect(await waitForPageResult('opt-out')).toMatchObject({
        result: 'failure',
        failureReason: 'fetch-error',
        backend: 'native',
      });
      expect(optOut.requests.filter((r) => r.path === '/media/opt-out.bin')).toHaveLength(1);
    } finally {
      await browser.goto(server.url('/index.html'));
      await optOut.close();
    }
  });
});

describe('native jobs in a Chromium profile (chromium-persistent)', () => {
  let server: TestServer;
  let browser: ChromiumSession;
  const {page, waitForWorkerEvent, waitForEnd, waitForPageResult} = pageTools(() => browser);

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {worker: 'routes'});
    browser = await launchEngine('chromium-persistent');
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker("/sw.js")');
  });

  afterAll(async () => {
    server?.throttle(null);
    await browser?.close();
    await server?.close();
  });

  afterEach(() => server.clearFaults());

  test('a page reloaded during a native job gets progress for it, and the job ends in success byte-exact', async () => {
    await expectProgressAfterReload(browser, server, 'reload');
    expect(await waitForEnd('reload')).toMatchObject({type: 'success', backend: 'native'});
  });

  test('a connection dropped mid-body is resumed by the browser itself: the job stays native', async () => {
    const body = generateBytes(1024 * 1024, 'persistent-drop');
    server.addFile('/media/persistent-drop.bin', body);
    server.fault('/media/persistent-drop.bin', {cutAfterBytes: 256 * 1024, times: 1});
    await page(
      `() => fb.startJob('episodes', 'persistent-drop', ['/media/persistent-drop.bin'], {})`,
    );
    expect(await waitForEnd('persistent-drop')).toMatchObject({type: 'success', backend: 'native'});
    expect(await page('() => fb.hash("media-route", "/media/persistent-drop.bin")')).toBe(
      sha256(body),
    );
  });

  test('records of a native job are readable from the page while it settles', async () => {
    const body = generateBytes(200 * 1024, 'hold-native');
    server.addFile('/media/hold-native.bin', body);
    await page(`() => fb.startJob('episodes', 'hold-native', ['/media/hold-native.bin'], {})`);
    expect(await waitForWorkerEvent('hold-native', 'holding')).toMatchObject({backend: 'native'});
    const hash = await page<string>(`async () => {
      const one = await fb.registrations['hold-native'].match('/media/hold-native.bin');
      const digest = await crypto.subtle.digest('SHA-256', await (await one.responseReady).arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    }`);
    expect(hash).toBe(sha256(body));
    await page(`() => fb.ask({test: 'release', id: 'hold-native'})`);
    expect(await waitForEnd('hold-native')).toMatchObject({type: 'success'});
    expect((await waitForPageResult('hold-native')).result).toBe('success');
  });
});

afterAll(() => closeAllEngines());
