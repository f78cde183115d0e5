/*
  The chunked fallback against a real third-party server: Debian's nginx,
  on another origin, as the CDN of a podcast or game app (its own Range,
  If-Range, ETag and gzip handling, not the test server's). Chromium
  (fallback forced), Firefox ESR and WebKitGTK. The app's site and worker
  come from the test server; the media from nginx, with CORS headers.
*/
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startNginx,
  startTestServer,
  storageChange,
  storageInventory,
} from '@workbox-background-fetch/test-utils';
import type {
  EngineSession,
  Nginx,
  NginxLogEntry,
  StorageInventory,
  TestServer,
} from '@workbox-background-fetch/test-utils';
import {FALLBACK_ENGINES} from './support/fallbackEngines';
import {serveSite} from './support/serveSite';
import {untilJobDataGone} from './support/untilJobDataGone';

jest.setTimeout(90_000);

const KiB = 1024;
const MiB = 1024 * KiB;
const RECORDS_CACHE = 'workbox-background-fetch-dl';
/** The download library's store of finished downloads (one entry per successful job). */
const LIBRARY = 'idb:workbox-background-fetch-library/entries';
const OPTIONS = {
  chunkSize: 256 * KiB,
  maxAttempts: 4,
  backoff: {initialDelay: 100, maxDelay: 400},
  stallTimeout: 1500,
};

interface WorkerEvent {
  type: string;
  failureReason: string;
  records: Array<{url: string; status?: number; size?: number; contentType?: string | null}>;
}

afterAll(() => closeAllEngines());

describe.each(FALLBACK_ENGINES)('the fallback against nginx (another origin) on %s', (engine) => {
  let server: TestServer;
  let nginx: Nginx;
  let gzipping: Nginx;
  let hiding: Nginx;
  let browser: EngineSession;
  let before: StorageInventory;

  const page = <T>(fn: string) => browser.evaluate<T>(fn);
  const start = (id: string, urls: string[]) =>
    page<{backend: string}>(`() => fb.start(${JSON.stringify(id)}, ${JSON.stringify(urls)}, {})`);
  /** The job's end event (the test worker logs it), or an error naming nginx's requests. */
  const waitForEnd = async (id: string, host: Nginx) => {
    try {
      return await browser.waitFor<WorkerEvent>(`(id) => fb.event(id)`, {
        args: [id],
        timeout: 60_000,
        interval: 200,
      });
    } catch (error) {
      const log = (await host.requests()).filter((r) => r.path.includes(`/${id}/`));
      throw new Error(
        `${(error as Error).message}; nginx's log: ${JSON.stringify(log.slice(-20))}`,
      );
    }
  };
  const hashOf = (url: string) =>
    page<string | null>(`() => fb.hash(${JSON.stringify(RECORDS_CACHE)}, ${JSON.stringify(url)})`);
  /**
   * nginx's log of the requests for `p`. None carries `If-Range`: the job
   * never sends it to another origin (it would need a CORS preflight), and
   * the browser's HTTP cache, which added its own revalidating Range
   * requests on Chromium, is bypassed.
   */
  const logOf = async (host: Nginx, p: string): Promise<NginxLogEntry[]> => {
    const log = (await host.requests()).filter((r) => r.path === p);
    expect(log.filter((r) => r.ifRange !== undefined)).toEqual([]);
    return log;
  };
  /** Once the job is gone, the origin holds `records` more cached records and one more event. */
  const expectStorage = async (records: number) => {
    const after = await untilJobDataGone(browser, [`cache:${RECORDS_CACHE}`, LIBRARY]);
    expect(storageChange(before, after)).toEqual({
      [`cache:${RECORDS_CACHE}`]: records,
      'cache:test-events': 1,
      [LIBRARY]: 1,
    });
  };

  beforeAll(async () => {
    server = await startTestServer();
    // Slow enough that a fault lands mid-download: ≥ 2 s of a test's file remain after it.
    nginx = await startNginx({slowRate: 1 * MiB});
    gzipping = await startNginx({gzipTypes: ['application/json'], slowRate: 512 * KiB});
    hiding = await startNginx({exposeHeaders: false});
    await serveSite(server, {
      worker: 'fallback',
      options: {forceFallback: true, fallback: OPTIONS},
    });
    browser = await launchEngine(engine);
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker()');
  });

  afterAll(async () => {
    await browser?.close();
    await nginx?.close();
    await gzipping?.close();
    await hiding?.close();
    await server?.close();
  });

  beforeEach(async () => {
    before = await storageInventory(browser);
  });

  test('an episode on the CDN: asked in Range chunks that nginx answers 206, cached whole with its Content-Type, byte-exact', async () => {
    const body = generateBytes(3 * MiB + 5, 'nginx-episode');
    await nginx.addFile('/episode/e1.mp3', body);
    expect((await start('episode', [nginx.url('/episode/e1.mp3')])).backend).toBe('fallback');
    const event = await waitForEnd('episode', nginx);
    expect(event).toMatchObject({type: 'success'});
    expect(event.records[0]).toMatchObject({
      status: 200,
      size: body.length,
      contentType: 'audio/mpeg',
    });
    expect(await hashOf(nginx.url('/episode/e1.mp3'))).toBe(sha256(body));
    const log = await logOf(nginx, '/episode/e1.mp3');
    // Chunks of at most 256 KiB: the whole file in many 206s, no 200.
    expect(log.filter((r) => r.status === 206 && r.completed).length).toBeGreaterThan(4);
    expect(log.every((r) => r.status === 206 && r.range !== undefined)).toBe(true);
    await expectStorage(1);
  });

  test('nginx restarted mid-download (its connections cut): the job resumes from the stored bytes with Range, never from zero, and ends byte-exact', async () => {
    const body = generateBytes(6 * MiB + 11, 'nginx-restart');
    await nginx.addFile('/slow/restart/film.mp4', body);
    await start('restart', [nginx.url('/slow/restart/film.mp4')]);
    await browser.waitFor(`() => (fb.jobs.restart?.downloaded ?? 0) > ${1 * MiB}`, {
      timeout: 20_000,
    });
    const seen = (await logOf(nginx, '/slow/restart/film.mp4')).length;
    await nginx.restart();
    const event = await waitForEnd('restart', nginx);
    expect(event).toMatchObject({type: 'success'});
    expect(await hashOf(nginx.url('/slow/restart/film.mp4'))).toBe(sha256(body));
    const after = (await logOf(nginx, '/slow/restart/film.mp4')).slice(seen);
    expect(after.length).toBeGreaterThan(0);
    // Asked again from where the stored bytes end: no request from byte 0.
    expect(after.every((r) => r.status === 206 && !/^bytes=0-/.test(r.range ?? 'bytes=0-'))).toBe(
      true,
    );
    await expectStorage(1);
  });

  test('a file replaced on the CDN mid-download (nginx gives it a new ETag): the job starts it over and ends with the new bytes only', async () => {
    const old = generateBytes(6 * MiB, 'nginx-old');
    const next = generateBytes(6 * MiB + 3, 'nginx-new');
    await nginx.addFile('/slow/replaced/level.bin', old, new Date(Date.now() - 60_000));
    await start('replaced', [nginx.url('/slow/replaced/level.bin')]);
    await browser.waitFor(`() => (fb.jobs.replaced?.downloaded ?? 0) > ${512 * KiB}`, {
      timeout: 20_000,
    });
    await nginx.addFile('/slow/replaced/level.bin', next, new Date());
    const event = await waitForEnd('replaced', nginx);
    expect(event).toMatchObject({type: 'success'});
    expect(event.records[0]).toMatchObject({size: next.length});
    expect(await hashOf(nginx.url('/slow/replaced/level.bin'))).toBe(sha256(next));
    await expectStorage(1);
  });

  test('gzip on for JSON: Range requests get identity 206s (browsers ask identity with Range); a level replaced mid-download is then asked whole and comes gzip-encoded, chunked, of unknown length: cached decoded, byte-exact', async () => {
    const level = (seed: number) =>
      Buffer.from(
        JSON.stringify({
          seed,
          tiles: Array.from({length: 120_000}, (_, i) => ({i, kind: (i * seed) % 7})),
        }),
      );
    const old = level(3);
    const next = level(5);
    await gzipping.addFile('/slow/level/world.json', old, new Date(Date.now() - 60_000));
    await start('level', [gzipping.url('/slow/level/world.json')]);
    await browser.waitFor(`() => (fb.jobs.level?.downloaded ?? 0) > ${256 * KiB}`, {
      timeout: 20_000,
    });
    await gzipping.addFile('/slow/level/world.json', next, new Date());
    const event = await waitForEnd('level', gzipping);
    expect(event).toMatchObject({type: 'success'});
    expect(event.records[0]).toMatchObject({status: 200, size: next.length});
    expect(await hashOf(gzipping.url('/slow/level/world.json'))).toBe(sha256(next));
    const log = await logOf(gzipping, '/slow/level/world.json');
    expect(log.filter((r) => r.range !== undefined).every((r) => !r.contentEncoding)).toBe(true);
    const whole = log.filter((r) => r.range === undefined);
    expect(whole).toEqual([
      expect.objectContaining({status: 200, completed: true, contentEncoding: 'gzip'}),
    ]);
    expect(whole[0].bytesSent).toBeLessThan(next.length / 2);
    await expectStorage(1);
  });
  test('a CDN that does not expose Content-Range to other origins: the episode is asked whole after its first Range answer, cached byte-exact, and the development build names the header to expose', async () => {
    const body = generateBytes(3 * MiB + 1, 'nginx-hidden');
    await hiding.addFile('/hidden/e2.mp3', body);
    await start('hidden', [hiding.url('/hidden/e2.mp3')]);
    const event = await waitForEnd('hidden', hiding);
    expect(event).toMatchObject({type: 'success'});
    expect(event.records[0]).toMatchObject({status: 200, size: body.length});
    expect(await hashOf(hiding.url('/hidden/e2.mp3'))).toBe(sha256(body));
    const log = await logOf(hiding, '/hidden/e2.mp3');
    // The first chunk's 206 could not be read as one: the rest of the file
    // came in one request without Range.
    expect(log[0]).toMatchObject({status: 206});
    expect(log.slice(1)).toEqual([
      expect.objectContaining({status: 200, range: undefined, completed: true}),
    ]);
    if (engine === 'chromium') {
      // Chromium alone shows the worker's console to the driver.
      expect(
        browser.consoleLog.some((line) =>
          line.includes('should send Access-Control-Expose-Headers: Content-Range'),
        ),
      ).toBe(true);
    }
    await expectStorage(1);
  });
  test('a CDN that serves one connection per client (nginx limit_conn: a second one gets 503): the job keeps one request in flight from then on and ends byte-exact', async () => {
    const body = generateBytes(3 * MiB + 9, 'nginx-one');
    await nginx.addFile('/one/e3.mp3', body);
    await start('one', [nginx.url('/one/e3.mp3')]);
    const event = await waitForEnd('one', nginx);
    expect(event).toMatchObject({type: 'success'});
    expect(await hashOf(nginx.url('/one/e3.mp3'))).toBe(sha256(body));
    const log = await logOf(nginx, '/one/e3.mp3');
    // Refused once or twice (requests sent together), then one at a time.
    const refused = log.filter((r) => r.status === 503).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
    await expectStorage(1);
  });
});
