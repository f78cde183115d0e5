/**
 * Smoke tests of the browser infrastructure, on every engine: launch, load a
 * page from the test server, register a service worker, Range-fetch 1 MiB
 * (from the page and through the worker) and hash it with crypto.subtle,
 * stop the worker, and (where a profile survives) kill + relaunch.
 *
 * No skipping: a missing browser fails the launch with a message pointing to
 * `bash scripts/install-browsers.sh`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  closeAllEngines,
  ENGINE_NAMES,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
  type EngineName,
  type EngineSession,
  type TestServer,
} from '../../src/index';

jest.setTimeout(120_000);

const SW_SOURCE = `
const instance = Math.random().toString(36).slice(2);
self.addEventListener('install', (e) => e.waitUntil(self.skipWaiting()));
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (url.pathname === '/sw-hello') {
    console.log('sw-hello ' + instance);
    e.respondWith(new Response(JSON.stringify({from: 'sw', instance}), {
      headers: {'Content-Type': 'application/json'},
    }));
  } else if (url.pathname === '/sw-range') {
    // The worker itself makes a Range request to the network.
    e.respondWith(fetch('/file.bin', {headers: {Range: 'bytes=' + url.searchParams.get('from') + '-'}}));
  }
});
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>engine smoke</title>
<p>engine smoke</p><script>console.log('page-script-ran')</script>`;

const FILE_SIZE = 1024 * 1024;
const file = generateBytes(FILE_SIZE, 'engines');
const fileHash = sha256(file);

let server: TestServer;
let siteDir: string;

beforeAll(async () => {
  server = await startTestServer();
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tu-site-'));
  fs.writeFileSync(path.join(siteDir, 'sw.js'), SW_SOURCE);
  fs.writeFileSync(path.join(siteDir, 'index.html'), PAGE);
  server.serveDir('/site', siteDir);
  server.addFile('/file.bin', file);
});

afterAll(async () => {
  await closeAllEngines();
  await server?.close();
  if (siteDir) fs.rmSync(siteDir, {recursive: true, force: true});
});

/** In the page: registers /site/sw.js with scope / and waits for control. */
async function registerWorker(s: EngineSession): Promise<void> {
  await s.evaluate(async () => {
    await navigator.serviceWorker.register('/site/sw.js', {scope: '/'});
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), {
          once: true,
        });
      });
    }
  });
}

function workerInstance(s: EngineSession): Promise<string> {
  return s.evaluate<string>(async () => {
    const r = await fetch('/sw-hello');
    const j = await r.json();
    if (j.from !== 'sw') throw new Error('not answered by the worker');
    return j.instance as string;
  });
}

describe.each(ENGINE_NAMES)('%s', (name: EngineName) => {
  let s: EngineSession;

  beforeAll(async () => {
    s = await launchEngine(name, {shortWorkerLifetime: true});
    // Launch times are in the JSDoc of src/browsers/index.ts; print them for reference.
    console.log(`${name}: launched in ${s.launchMs} ms`);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  test('goto and evaluate: values, args, errors', async () => {
    await s.goto(server.url('/site/index.html'));
    expect(await s.currentUrl()).toBe(server.url('/site/index.html'));
    expect(await s.evaluate('document.title')).toBe('engine smoke');
    expect(
      await s.evaluate(
        async (a: number, b: {x: string}) => ({sum: a + 1, x: b.x, list: [1, 'two', null]}),
        41,
        {x: 'y'},
      ),
    ).toEqual({sum: 42, x: 'y', list: [1, 'two', null]});
    expect(await s.evaluate('() => undefined')).toBeUndefined();

    const typeErr = await s
      .evaluate(async () => {
        await new Promise((r) => setTimeout(r, 10));
        throw new TypeError('bad thing');
      })
      .catch((e: unknown) => e);
    expect(typeErr).toBeInstanceOf(TypeError);
    expect(typeErr).toMatchObject({name: 'TypeError', message: 'bad thing'});

    const domErr = await s
      .evaluate(() => Promise.reject(new DOMException('not here', 'NotAllowedError')))
      .catch((e: unknown) => e);
    expect(domErr).toMatchObject({name: 'NotAllowedError', message: 'not here'});

    await expect(s.evaluate('(() => {')).rejects.toBeInstanceOf(SyntaxError);

    const polled = await s.waitFor<number>(
      () => {
        const w = window as unknown as {__n?: number};
        w.__n = (w.__n ?? 0) + 1;
        return w.__n >= 3 ? w.__n : 0;
      },
      {interval: 10, timeout: 10_000},
    );
    expect(polled).toBe(3);
    await expect(s.waitFor('false', {timeout: 300})).rejects.toThrow(/timed out/);
  });

  test('service worker answers a fetch; Range fetches hash right', async () => {
    await s.goto(server.url('/site/index.html'));
    await registerWorker(s);
    const a = await workerInstance(s);
    const b = await workerInstance(s);
    expect(a).toMatch(/^[a-z0-9]+$/);
    // The instance id is a valid "same worker" signal.
    expect(b).toBe(a);

    server.resetLog();
    const result = await s.evaluate<{
      statuses: number[];
      contentRange: string | null;
      etag: string | null;
      hash: string;
      viaWorker: {status: number; hash: string};
    }>(async (size: number) => {
      const hex = async (buf: ArrayBuffer) =>
        [...new Uint8Array(await crypto.subtle.digest('SHA-256', buf))]
          .map((x) => x.toString(16).padStart(2, '0'))
          .join('');
      const half = size / 2;
      const r1 = await fetch('/file.bin', {headers: {Range: `bytes=0-${half - 1}`}});
      const r2 = await fetch('/file.bin', {headers: {Range: `bytes=${half}-`}});
      const p1 = new Uint8Array(await r1.arrayBuffer());
      const p2 = new Uint8Array(await r2.arrayBuffer());
      const all = new Uint8Array(p1.length + p2.length);
      all.set(p1, 0);
      all.set(p2, p1.length);
      // Through the worker: it fetches bytes=0- itself.
      const rw = await fetch('/sw-range?from=0');
      return {
        statuses: [r1.status, r2.status],
        contentRange: r2.headers.get('Content-Range'),
        etag: r2.headers.get('ETag'),
        hash: await hex(all.buffer),
        viaWorker: {status: rw.status, hash: await hex(await rw.arrayBuffer())},
      };
    }, FILE_SIZE);
    expect(result.statuses).toEqual([206, 206]);
    expect(result.contentRange).toBe(`bytes ${FILE_SIZE / 2}-${FILE_SIZE - 1}/${FILE_SIZE}`);
    expect(result.etag).toMatch(/^"/);
    expect(result.hash).toBe(fileHash);
    expect(result.viaWorker).toEqual({status: 206, hash: fileHash});
    const ranges = server.requests.filter((r) => r.path === '/file.bin').map((r) => r.range);
    expect(ranges).toEqual(
      expect.arrayContaining([
        `bytes=0-${FILE_SIZE / 2 - 1}`,
        `bytes=${FILE_SIZE / 2}-`,
        'bytes=0-',
      ]),
    );
  });

  test('stopServiceWorkers stops the worker', async () => {
    await s.goto(server.url('/site/index.html'));
    await registerWorker(s);
    const before = await workerInstance(s);
    await s.stopServiceWorkers();
    if (!(await s.currentUrl()).startsWith(server.origin)) {
      await s.goto(server.url('/site/index.html'));
    }
    const after = await s.waitFor<string>(
      async () => {
        if (!navigator.serviceWorker.controller) return '';
        const r = await fetch('/sw-hello');
        return (await r.json()).instance as string;
      },
      {timeout: 20_000},
    );
    expect(after).not.toBe(before);
  });

  test('console messages are collected', async () => {
    await s.goto(server.url('/site/index.html'));
    await s.evaluate(() => console.log('hello-from-evaluate', 7));
    expect(s.consoleLog.some((l) => l.includes('hello-from-evaluate 7'))).toBe(true);
    if (name.startsWith('chromium')) {
      await registerWorker(s);
      await workerInstance(s);
      // Delivered asynchronously: wait for it (a missing message times out).
      const fromWorker = () =>
        s.consoleLog.some((l) => l.startsWith('[sw]') && l.includes('sw-hello'));
      for (const deadline = Date.now() + 20_000; !fromWorker() && Date.now() < deadline; ) {
        await s.waitFor(() => true);
      }
      expect(fromWorker()).toBe(true);
    }
  });

  if (name === 'chromium-persistent' || name === 'firefox') {
    test('IndexedDB survives kill() + relaunch() on the same profile', async () => {
      const dir = s.userDataDir;
      expect(dir).toBeTruthy();
      await s.goto(server.url('/site/index.html'));
      const token = `v-${Date.now()}`;
      const openDb = `() => new Promise((resolve, reject) => {
        const req = indexedDB.open('tu-smoke', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('kv');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      })`;
      await s.evaluate(
        `async (token) => {
          const db = await (${openDb})();
          await new Promise((resolve, reject) => {
            const tx = db.transaction('kv', 'readwrite');
            tx.objectStore('kv').put(token, 'k');
            tx.oncomplete = resolve;
            tx.onerror = () => reject(tx.error);
          });
          db.close();
        }`,
        token,
      );
      await s.kill();
      await expect(s.evaluate('1')).rejects.toThrow(/not running/);
      await s.relaunch();
      expect(s.userDataDir).toBe(dir);
      console.log(`${name}: relaunched in ${s.launchMs} ms`);
      await s.goto(server.url('/site/index.html'));
      const got = await s.evaluate(
        `async () => {
          const db = await (${openDb})();
          const v = await new Promise((resolve, reject) => {
            const r = db.transaction('kv').objectStore('kv').get('k');
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
          db.close();
          return v;
        }`,
      );
      expect(got).toBe(token);
    });
  } else {
    test('relaunch() is refused with a clear error', async () => {
      await expect(s.relaunch()).rejects.toThrow(
        name === 'webkit' ? /ephemeral storage/ : /chromium-persistent/,
      );
    });
  }

  test('kill() leaves no process behind; close() removes a temp profile', async () => {
    const dir = s.userDataDir;
    await s.goto(server.url('/site/index.html'));
    const pids = s.processIds();
    expect(pids.length).toBeGreaterThan(name === 'webkit' ? 3 : 1);
    const mem = s.memoryUsage();
    expect(mem.pss).toBeGreaterThan(10 * 1024 * 1024);
    expect(mem.rss).toBeGreaterThanOrEqual(mem.pss);
    await s.kill();
    const stillAlive = pids.filter((p) => {
      try {
        const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
        return st.slice(st.lastIndexOf(')') + 2)[0] !== 'Z';
      } catch {
        return false;
      }
    });
    expect(stillAlive).toEqual([]);
    expect(s.processIds()).toEqual([]);
    await s.close();
    if (dir) expect(fs.existsSync(dir)).toBe(false);
  });
});

test('a Firefox profile given by the caller is kept; notifications can be granted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tu-ff-given-'));
  try {
    const s = await launchEngine('firefox', {
      userDataDir: dir,
      grantNotificationsFor: server.origin,
      prefs: {'general.useragent.override': 'tu-agent/1.0'},
    });
    expect(s.userDataDir).toBe(dir);
    await s.goto(server.url('/site/index.html'));
    expect(await s.evaluate('Notification.permission')).toBe('granted');
    expect(await s.evaluate('navigator.userAgent')).toBe('tu-agent/1.0');
    await s.close();
    expect(fs.existsSync(dir)).toBe(true);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('chromium: notifications can be granted', async () => {
  const s = await launchEngine('chromium', {grantNotificationsFor: server.origin});
  await s.goto(server.url('/site/index.html'));
  expect(await s.evaluate('Notification.permission')).toBe('granted');
  await s.close();
});

test("chromium: feature switches in args are merged with playwright-core's own", async () => {
  const s = await launchEngine('chromium', {
    args: ['--disable-features=BackgroundFetch', '--disable-features=SomethingElse'],
  });
  expect(await s.evaluate(`'BackgroundFetchManager' in self`)).toBe(false);
  const argv = fs.readFileSync(`/proc/${s.processIds()[0]}/cmdline`, 'utf8').split('\0');
  const last = argv.filter((a) => a.startsWith('--disable-features=')).at(-1)!;
  expect(last).toMatch(/ThirdPartyStoragePartitioning/);
  expect(last).toMatch(/BackgroundFetch,SomethingElse$/);
  await s.close();
});

test('webkit: args reach MiniBrowser (--features=+BackgroundFetchAPI)', async () => {
  const plain = await launchEngine('webkit');
  await plain.goto(server.url('/site/index.html'));
  expect(await plain.evaluate(`'BackgroundFetchManager' in self`)).toBe(false);
  await plain.close();
  const s = await launchEngine('webkit', {args: ['--features=+BackgroundFetchAPI']});
  await s.goto(server.url('/site/index.html'));
  expect(await s.evaluate(`'BackgroundFetchManager' in self`)).toBe(true);
  await s.close();
});
