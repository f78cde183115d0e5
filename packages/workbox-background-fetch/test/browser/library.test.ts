/*
  The download library (queue.library / manager.library), `persist`, and
  playback while downloading, in real browsers against a real server:
  Chromium (queue 'episodes' runs natively, queue 'forced' the fallback, in
  one browser), Firefox ESR and WebKitGTK (the fallback). The worker is
  built with backgroundFetchRecipe(), as the README shows.
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

jest.setTimeout(120_000);

const KiB = 1024;
const MiB = 1024 * KiB;
const FALLBACK = {
  chunkSize: 256 * KiB,
  maxAttempts: 50,
  backoff: {initialDelay: 100, maxDelay: 400},
  stallTimeout: 3000,
};

const ENGINES = (process.env.WBF_LIBRARY_ENGINES ?? 'chromium,firefox,webkit').split(',') as Array<
  'chromium' | 'firefox' | 'webkit'
>;

interface Entry {
  id: string;
  title: string;
  icons: Array<Record<string, string>>;
  finishedAt: number;
  bytes: number;
  missing: boolean;
  records: Array<{
    url: string;
    cacheName: string;
    bytes: number;
    contentType: string;
    missing: boolean;
  }>;
}

interface WorkerEvent {
  type: string;
  queue: string;
  id: string;
  failureReason: string;
  entryWhenCalled: Entry | null;
}

describe.each(ENGINES)('download library on %s', (engine) => {
  let server: TestServer;
  let browser: EngineSession;
  // In Chromium, 'episodes' is native and 'forced' the fallback; elsewhere
  // both would be the fallback, so one queue is enough.
  const queues = engine === 'chromium' ? ['episodes', 'forced'] : ['episodes'];
  const pathOf = (queue: string) => (queue === 'episodes' ? '/media/' : '/forced/');

  const page = <T>(fn: string) => browser.evaluate<T>(fn);
  const js = (value: unknown) => JSON.stringify(value);
  const waitForEnd = (id: string) =>
    browser.waitFor<WorkerEvent>(`(id) => fb.event(id)`, {
      args: [id],
      timeout: 90_000,
      interval: 200,
    });
  const file = (path: string, size: number, contentType: string) => {
    const body = generateBytes(size, path);
    server.addFile(path, body, {contentType});
    return body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    await serveSite(server, {worker: 'library', options: FALLBACK});
    browser = await launchEngine(engine);
    if (browser.name === 'firefox') {
      // Firefox asks the user whether to persist: answer as a user would.
      await browser.browser.defaultBrowserContext().setPermission(server.origin, {
        permission: {name: 'persistent-storage'},
        state: 'granted',
      });
    }
    await browser.goto(server.url('/index.html'));
    await page('() => fb.registerWorker()');
    for (const queue of queues) {
      await page(`() => fb.libraryManager(${js(queue)})`);
      await page(`() => fb.openSecondPage(${js(queue)})`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    server.setOffline(false);
    server.throttle(null);
    server.clearFaults();
  });

  describe.each(queues)('queue %s', (queue) => {
    const id = `${queue}-ep1`;
    const audioPath = `${pathOf(queue)}${queue}-ep1.mp3`;
    const artPath = `${pathOf(queue)}${queue}-ep1.png`;
    const urls = () => [server.url(audioPath), server.url(artPath)];
    let audio: Buffer;
    let art: Buffer;

    test('a job that succeeds has an entry, written before onSuccess, with its title, icons and sizes equal to the source; every page is told', async () => {
      audio = file(audioPath, 700 * KiB + 17, 'audio/mpeg');
      art = file(artPath, 24 * KiB, 'image/png');
      const icons = [{src: '/art.png', sizes: '96x96', type: 'image/png'}];
      const started = await page<{backend: string; persisted: boolean | string}>(
        `() => fb.startJob(${js(queue)}, ${js(id)}, ${js([audioPath, artPath])}, {title: 'Episode 1', icons: ${js(icons)}, persist: true})`,
      );
      expect(started.backend).toBe(
        engine === 'chromium' && queue === 'episodes' ? 'native' : 'fallback',
      );
      // The answer of navigator.storage.persist(), as the page sees it now
      // (granted in Firefox, where the user is asked).
      // WebKitGTK has no navigator.storage: false.
      expect(started.persisted).toBe(
        await page<boolean>(
          'async () => Boolean(navigator.storage && (await navigator.storage.persisted()))',
        ),
      );
      if (engine === 'firefox') expect(started.persisted).toBe(true);

      const event = await waitForEnd(id);
      expect(event).toMatchObject({type: 'success', queue});
      const expected = {
        id,
        title: 'Episode 1',
        icons,
        bytes: audio.length + art.length,
        missing: false,
        records: [
          {
            url: urls()[0],
            cacheName: queue,
            bytes: audio.length,
            contentType: 'audio/mpeg',
            missing: false,
          },
          {
            url: urls()[1],
            cacheName: queue,
            bytes: art.length,
            contentType: 'image/png',
            missing: false,
          },
        ],
      };
      // Records in the order the backend lists them (Chromium's native
      // matchAll() does not keep the request order).
      const byUrl = (entry: Entry | null) =>
        entry && {...entry, records: [...entry.records].sort((a, b) => (a.url < b.url ? -1 : 1))};
      expect(byUrl(event.entryWhenCalled)).toMatchObject(expected);
      const list = await page<Entry[]>(`() => fb.libraryList(${js(queue)})`);
      expect(list.map(byUrl)).toEqual([
        {...expected, finishedAt: event.entryWhenCalled!.finishedAt},
      ]);
      expect(await page(`() => fb.ask({test: 'list', queue: ${js(queue)}})`)).toEqual(list);
      expect(await page(`() => fb.hash(${js(queue)}, ${js(urls()[0])}, {ignoreVary: true})`)).toBe(
        sha256(audio),
      );
      expect(await page(`() => fb.hash(${js(queue)}, ${js(urls()[1])}, {ignoreVary: true})`)).toBe(
        sha256(art),
      );
      const added = [{id, change: 'added'}];
      expect(
        await browser.waitFor(`() => fb.changes[${js(queue)}].length && fb.changes[${js(queue)}]`),
      ).toEqual(added);
      expect(
        await browser.waitFor(
          `() => fb.secondPageChanges(${js(queue)}).length && fb.secondPageChanges(${js(queue)})`,
        ),
      ).toEqual(added);
    });

    test("a record deleted behind the library's back is listed as missing", async () => {
      expect(await page(`() => fb.deleteCached(${js(queue)}, ${js(urls()[1])})`)).toBe(true);
      const entry = await page<Entry>(`() => fb.libraryGet(${js(queue)}, ${js(id)})`);
      expect(entry.missing).toBe(true);
      expect(entry.records.map((record) => [record.url, record.missing]).sort()).toEqual([
        [urls()[0], false],
        [urls()[1], true],
      ]);
      expect(entry.bytes).toBe(audio.length + art.length);
    });

    test('remove() from another page deletes the records and the entry, leaves no bytes behind, and tells every page', async () => {
      expect(await page(`() => fb.removeFromSecondPage(${js(queue)}, ${js(id)})`)).toBe(true);
      expect(await page(`() => fb.libraryLeftovers(${js(queue)}, ${js(urls())})`)).toEqual({
        cached: [],
        libraryKeys: [],
        jobRecords: 0,
        idbChunks: 0,
        cacheChunks: 0,
      });
      expect(
        await browser.waitFor(
          `() => fb.changes[${js(queue)}].length === 2 && fb.changes[${js(queue)}]`,
        ),
      ).toEqual([
        {id, change: 'added'},
        {id, change: 'removed'},
      ]);
      expect(await page(`() => fb.libraryList(${js(queue)})`)).toEqual([]);
      expect(await page(`() => fb.libraryGet(${js(queue)}, ${js(id)})`)).toBeNull();
      expect(await page(`() => fb.libraryRemove(${js(queue)}, ${js(id)})`)).toBe(false);
    });

    test('a job that fails leaves no entry', async () => {
      const path = `${pathOf(queue)}${queue}-missing.mp3`;
      await page(
        `() => fb.startJob(${js(queue)}, ${js(`${queue}-gone`)}, ${js([path])}, {title: 'Gone'})`,
      );
      expect(await waitForEnd(`${queue}-gone`)).toMatchObject({
        type: 'fail',
        failureReason: 'bad-status',
        entryWhenCalled: null,
      });
      expect(await page(`() => fb.libraryList(${js(queue)})`)).toEqual([]);
      expect(await page(`() => fb.libraryKeys(${js(queue)})`)).toEqual([]);
    });

    test('remove() of one download keeps a file that another download of the same URL lists: cached, whole, not missing', async () => {
      const path = `${pathOf(queue)}${queue}-shared.mp3`;
      const body = file(path, 96 * KiB + 5, 'audio/mpeg');
      for (const copy of ['a', 'b']) {
        await page(
          `() => fb.startJob(${js(queue)}, ${js(`${queue}-shared-${copy}`)}, ${js([path])}, {title: 'Shared'})`,
        );
        expect(await waitForEnd(`${queue}-shared-${copy}`)).toMatchObject({type: 'success'});
      }
      expect(await page(`() => fb.libraryRemove(${js(queue)}, ${js(`${queue}-shared-a`)})`)).toBe(
        true,
      );
      expect(
        await page<Entry>(`() => fb.libraryGet(${js(queue)}, ${js(`${queue}-shared-b`)})`),
      ).toMatchObject({
        missing: false,
        bytes: body.length,
      });
      expect(
        await page(`() => fb.hash(${js(queue)}, ${js(server.url(path))}, {ignoreVary: true})`),
      ).toBe(sha256(body));
      expect(await page(`() => fb.libraryRemove(${js(queue)}, ${js(`${queue}-shared-b`)})`)).toBe(
        true,
      );
      expect(
        await page(`() => fb.libraryLeftovers(${js(queue)}, ${js([server.url(path)])})`),
      ).toEqual({
        cached: [],
        libraryKeys: [],
        jobRecords: 0,
        idbChunks: 0,
        cacheChunks: 0,
      });
    });

    const nativeJob = engine === 'chromium' && queue === 'episodes' ? test : test.skip;
    nativeJob(
      engine === 'chromium' && queue === 'episodes'
        ? 'a seek in a file a native job downloads, with the network failing, is a network error and starts no second download'
        : 'a seek in a file a native job downloads: skipped, this queue runs no native job here',
      async () => {
        const path = `${pathOf(queue)}${queue}-native-seek.mp3`;
        const body = generateBytes(300 * KiB, path);
        let requests = 0;
        server.route(path, (req, res) => {
          requests += 1;
          if (requests > 1) {
            req.socket.destroy(); // Every later request: a network error.
            return;
          }
          // The native job's request: headers and a first part, then nothing (the job stays active).
          res.writeHead(200, {'Content-Type': 'audio/mpeg', 'Content-Length': String(body.length)});
          res.write(body.subarray(0, 1000));
        });
        const seekId = `${queue}-native-seek`;
        await page(
          `() => fb.startJob(${js(queue)}, ${js(seekId)}, ${js([path])}, {title: 'Seek'})`,
        );
        await server.waitForRequest((r) => r.path === path && r.bytesSent > 0, {timeout: 60_000});
        expect(await page(`() => fb.fetchRange(${js(path)}, 'bytes=5000-5999')`)).toEqual({
          error: 'TypeError',
        });
        expect(await page(`async () => (await fb.manager(${js(queue)})).getIds()`)).toEqual([
          seekId,
        ]);
        expect(await page(`() => fb.registrations[${js(seekId)}].abort()`)).toBe(true);
        expect(await waitForEnd(seekId)).toMatchObject({type: 'abort'});
        // One request without a Range: the job's (a second download would make another).
        expect(server.requests.filter((r) => r.path === path && !r.range)).toHaveLength(1);
      },
    );

    const playback = engine !== 'chromium' || queue === 'forced' ? test : test.skip;
    const title =
      queue === 'episodes' && engine === 'chromium'
        ? 'playback while downloading: skipped for native jobs (their bytes cannot be read before the end; requests go to the network)'
        : 'playback while downloading: with the network cut, a stored range is a 206 with the exact bytes, a range not stored yet a network error';
    playback(title, async () => {
      const path = `${pathOf(queue)}${queue}-play.mp3`;
      const body = file(path, 6 * MiB, 'audio/mpeg');
      server.throttle(1 * MiB);
      const id = `${queue}-play`;
      await page(`() => fb.startJob(${js(queue)}, ${js(id)}, ${js([path])}, {title: 'Play'})`);
      // Well past the range below, and past the first request (1 MiB) and
      // the two requests in flight: those bytes are stored.
      await browser.waitFor(`(id) => fb.jobs[id] && fb.jobs[id].downloaded >= ${2.5 * MiB}`, {
        args: [id],
        timeout: 60_000,
      });
      server.setOffline(true);
      const covered = 'bytes=200000-399999';
      expect(await page(`() => fb.fetchRange(${js(path)}, ${js(covered)})`)).toEqual({
        status: 206,
        contentRange: `bytes 200000-399999/${body.length}`,
        contentType: 'audio/mpeg',
        size: 200000,
        hash: sha256(body.subarray(200000, 400000)),
      });
      expect(await page(`() => fb.fetchRange(${js(path)}, 'bytes=5500000-5599999')`)).toEqual({
        error: 'TypeError',
      });
      expect(server.requests.filter((r) => r.path === path && r.range === covered)).toEqual([]);
      // The job goes on once the network is back, and is listed.
      server.setOffline(false);
      server.throttle(null);
      expect(await waitForEnd(id)).toMatchObject({
        type: 'success',
        entryWhenCalled: {bytes: body.length},
      });
      expect(
        await page(`() => fb.hash(${js(queue)}, ${js(server.url(path))}, {ignoreVary: true})`),
      ).toBe(sha256(body));
      expect(await page(`() => fb.libraryRemove(${js(queue)}, ${js(id)})`)).toBe(true);
    });
  });

  test('a queue created with library: false writes no entry', async () => {
    const path = '/nolib/a.bin';
    file(path, 64 * KiB, 'application/octet-stream');
    await page(`() => fb.startJob('nolib', 'nolib-1', ${js([path])}, {title: 'No library'})`);
    expect(await waitForEnd('nolib-1')).toMatchObject({type: 'success', entryWhenCalled: null});
    expect(await page(`() => fb.libraryList('nolib')`)).toEqual([]);
    expect(await page(`() => fb.libraryKeys('nolib')`)).toEqual([]);
  });
});

afterAll(() => closeAllEngines());
