import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {gunzipSync} from 'node:zlib';
import {generateBytes, sha256, startTestServer, type TestServer} from '../../src/index';
import {TokenBucket} from '../../src/server';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection broke before the body was complete. */
  error?: string;
}

function request(
  url: string,
  opts: {method?: string; headers?: Record<string, string>; discard?: boolean} = {},
): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {method: opts.method ?? 'GET', headers: opts.headers, agent: false},
      (res) => {
        const chunks: Buffer[] = [];
        let discarded = 0;
        let error: string | undefined;
        res.on('data', (c: Buffer) => {
          if (opts.discard) discarded += c.length;
          else chunks.push(c);
        });
        res.on('aborted', () => (error ??= 'aborted'));
        res.on('error', (e) => (error ??= e.message));
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: opts.discard ? Buffer.alloc(discarded) : Buffer.concat(chunks),
            error: error ?? (res.complete ? undefined : 'incomplete'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const SIZE = 1024 * 1024 + 3;
const body = generateBytes(SIZE, 42);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.clearFaults();
  server.throttle(null);
  server.setOffline(false);
  server.addFile('/file.bin', body);
  server.resetLog();
});

describe('generateBytes / sha256', () => {
  test('deterministic, seed-dependent, any length', () => {
    expect(generateBytes(1000, 1).equals(generateBytes(1000, 1))).toBe(true);
    expect(generateBytes(1000, 1).equals(generateBytes(1000, 2))).toBe(false);
    expect(generateBytes(1001, 'abc').subarray(0, 1000)).toEqual(generateBytes(1000, 'abc'));
    expect(generateBytes(7, 3).length).toBe(7);
    expect(generateBytes(0, 3).length).toBe(0);
    // Not trivially repetitive.
    const b = generateBytes(4096, 9);
    expect(new Set(b).size).toBeGreaterThan(200);
  });

  test('sha256 is hex SHA-256', () => {
    expect(sha256(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('files and ranges', () => {
  test('full GET has validators, CORS and no-store', async () => {
    const r = await request(server.url('/file.bin'), {
      headers: {origin: 'http://example.test'},
    });
    expect(r.status).toBe(200);
    expect(r.body.equals(body)).toBe(true);
    expect(r.headers['content-length']).toBe(String(SIZE));
    expect(r.headers.etag).toMatch(/^"[^"]+"$/);
    expect(r.headers['last-modified']).toMatch(/GMT$/);
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['access-control-allow-origin']).toBe('http://example.test');
    expect(r.headers['access-control-expose-headers']).toMatch(/Content-Range/);
    expect(r.headers['access-control-expose-headers']).toMatch(/ETag/);
    const log = server.requests[0];
    expect(log).toMatchObject({
      method: 'GET',
      path: '/file.bin',
      status: 200,
      bytesSent: SIZE,
      completed: true,
    });
    expect(log.endedAt).toBeGreaterThanOrEqual(log.startedAt);
    expect(server.bytesSent('/file.bin')).toBe(SIZE);
  });

  test.each([
    ['bytes=100-199', 100, 200],
    ['bytes=1000-', 1000, SIZE],
    ['bytes=-500', SIZE - 500, SIZE],
    ['bytes=5-99999999', 5, SIZE],
    ['bytes=0-0', 0, 1],
  ])('%s → 206 with the right slice', async (range, start, end) => {
    const r = await request(server.url('/file.bin'), {headers: {range}});
    expect(r.status).toBe(206);
    expect(r.body.equals(body.subarray(start, end))).toBe(true);
    expect(r.headers['content-range']).toBe(`bytes ${start}-${end - 1}/${SIZE}`);
    expect(r.headers['content-length']).toBe(String(end - start));
    expect(r.headers.etag).toBeDefined();
    expect(r.headers['last-modified']).toBeDefined();
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(server.requests[0].range).toBe(range);
  });

  test('unsatisfiable range → 416', async () => {
    const r = await request(server.url('/file.bin'), {
      headers: {range: `bytes=${SIZE}-`},
    });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${SIZE}`);
  });

  test('multi-range is ignored (200 full)', async () => {
    const r = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=0-1,5-6'},
    });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(SIZE);
  });

  test('If-Range: matching ETag or date → 206, mismatch or weak → 200', async () => {
    const head = await request(server.url('/file.bin'), {method: 'HEAD'});
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(SIZE));
    const etag = head.headers.etag!;
    const lm = head.headers['last-modified']!;

    const ok = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': etag},
    });
    expect(ok.status).toBe(206);
    expect(ok.body.equals(body.subarray(10))).toBe(true);
    const okDate = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': lm},
    });
    expect(okDate.status).toBe(206);

    const bad = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': '"nope"'},
    });
    expect(bad.status).toBe(200);
    expect(bad.body.equals(body)).toBe(true);
    const weak = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': `W/${etag}`},
    });
    expect(weak.status).toBe(200);
    expect(server.requests.map((r) => r.ifRange)).toContain('"nope"');
  });

  test('replaceFile changes ETag and Last-Modified; old If-Range → 200', async () => {
    const before = await request(server.url('/file.bin'), {method: 'HEAD'});
    const other = generateBytes(SIZE, 43);
    server.replaceFile('/file.bin', other);
    const r = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': before.headers.etag!},
    });
    expect(r.status).toBe(200);
    expect(r.body.equals(other)).toBe(true);
    expect(r.headers.etag).not.toBe(before.headers.etag);
    expect(Date.parse(r.headers['last-modified']!)).toBeGreaterThan(
      Date.parse(before.headers['last-modified']!),
    );
  });

  test('mirrors: servers in turn, each with its own ETag and Last-Modified for the same bytes; If-Range judged by the one answering', async () => {
    const bytes = generateBytes(1000, 7);
    server.addFile('/mirrored.bin', bytes, {mirrors: 2});
    const first = await request(server.url('/mirrored.bin'), {headers: {range: 'bytes=0-99'}});
    const second = await request(server.url('/mirrored.bin'), {headers: {range: 'bytes=0-99'}});
    expect([first.status, second.status]).toEqual([206, 206]);
    expect(first.body.equals(bytes.subarray(0, 100))).toBe(true);
    expect(second.body.equals(bytes.subarray(0, 100))).toBe(true);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.headers['last-modified']).not.toBe(first.headers['last-modified']);
    // The next request reaches the first server again, then the second.
    const same = await request(server.url('/mirrored.bin'), {
      headers: {range: 'bytes=100-', 'if-range': first.headers.etag!},
    });
    expect(same.status).toBe(206);
    const other = await request(server.url('/mirrored.bin'), {
      headers: {range: 'bytes=100-', 'if-range': first.headers.etag!},
    });
    expect(other.status).toBe(200);
    expect(other.body.equals(bytes)).toBe(true);
  });

  test('etag:false, lastModified:false, acceptRanges:false', async () => {
    server.addFile('/plain.txt', Buffer.from('hello world'), {
      etag: false,
      lastModified: false,
      acceptRanges: false,
      headers: {'X-Extra': '1'},
    });
    const r = await request(server.url('/plain.txt'), {
      headers: {range: 'bytes=0-1'},
    });
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('hello world');
    expect(r.headers.etag).toBeUndefined();
    expect(r.headers['last-modified']).toBeUndefined();
    expect(r.headers['accept-ranges']).toBe('none');
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.headers['x-extra']).toBe('1');
  });

  test('CORS preflight is answered', async () => {
    const r = await request(server.url('/file.bin'), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://other.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-range',
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('http://other.test');
    expect(r.headers['access-control-allow-headers']).toBe('if-range');
    expect(r.headers['access-control-allow-methods']).toMatch(/GET/);
  });

  test('unknown path → 404', async () => {
    const r = await request(server.url('/missing'));
    expect(r.status).toBe(404);
  });
});

describe('serveDir and route', () => {
  let root: string;
  let dir: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tu-dir-'));
    dir = path.join(root, 'site');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'sw.js'), 'self.x = 1;');
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>hi</p>');
    fs.writeFileSync(path.join(dir, 'a.json'), '{}');
    fs.writeFileSync(path.join(dir, 'a.wav'), 'RIFF');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'secret');
    server.serveDir('/static', dir);
  });
  afterAll(() => fs.rmSync(root, {recursive: true, force: true}));

  test('content types and worker headers', async () => {
    const js = await request(server.url('/static/sw.js'));
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['service-worker-allowed']).toBe('/');
    expect(js.headers['cache-control']).toBe('no-store');
    expect(js.body.toString()).toBe('self.x = 1;');
    const html = await request(server.url('/static/'));
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect((await request(server.url('/static/a.json'))).headers['content-type']).toMatch(
      /^application\/json/,
    );
    expect((await request(server.url('/static/a.wav'))).headers['content-type']).toBe('audio/wav');
    const ranged = await request(server.url('/static/sw.js'), {
      headers: {range: 'bytes=5-'},
    });
    expect(ranged.status).toBe(206);
    expect(ranged.body.toString()).toBe('x = 1;');
  });

  test('no path traversal', async () => {
    expect(fs.existsSync(path.join(dir, '..', 'secret.txt'))).toBe(true);
    expect((await request(server.url('/static/../secret.txt'))).status).toBe(404);
    const r = await request(server.url('/static/%2e%2e/secret.txt'));
    expect(r.status).toBe(404);
  });

  test('route handles any method and counts bytes', async () => {
    server.route('/api', (req, res) => {
      res.writeHead(201, {'Content-Type': 'text/plain'});
      res.end(`method=${req.method}`);
    });
    const r = await request(server.url('/api?x=1'), {method: 'POST'});
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe('method=POST');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    const log = server.requests.at(-1)!;
    expect(log).toMatchObject({path: '/api', url: '/api?x=1', status: 201, completed: true});
    expect(log.bytesSent).toBe('method=POST'.length);
  });
});

describe('faults', () => {
  test('cutAfterBytes sends exactly n body bytes then breaks the connection', async () => {
    server.fault('/file.bin', {cutAfterBytes: 1000, times: 1});
    const r = await request(server.url('/file.bin'));
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(SIZE));
    expect(r.body.length).toBe(1000);
    expect(r.body.equals(body.subarray(0, 1000))).toBe(true);
    expect(r.error).toBeDefined();
    expect(server.requests[0]).toMatchObject({completed: false, bytesSent: 1000});
    // Consumed: the next request is whole.
    const again = await request(server.url('/file.bin'));
    expect(again.body.equals(body)).toBe(true);
    expect(again.error).toBeUndefined();
  });

  test('cutAfterBytes applies within a range', async () => {
    server.fault('/file.bin', {cutAfterBytes: 10, times: 1});
    const r = await request(server.url('/file.bin'), {headers: {range: 'bytes=100-'}});
    expect(r.status).toBe(206);
    expect(r.body.equals(body.subarray(100, 110))).toBe(true);
    expect(r.error).toBeDefined();
  });

  test('status fault, consumed per request, in order', async () => {
    server.fault('/file.bin', {status: 503, times: 2});
    server.fault('/file.bin', {status: 404, times: 1});
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(server.url('/file.bin'))).status);
    expect(statuses).toEqual([503, 503, 404, 200]);
  });

  test('ignoreRange answers 200 with the full body', async () => {
    server.fault('/file.bin', {ignoreRange: true});
    const r = await request(server.url('/file.bin'), {headers: {range: 'bytes=100-'}});
    expect(r.status).toBe(200);
    expect(r.body.equals(body)).toBe(true);
    expect(r.headers['content-range']).toBeUndefined();
  });

  test('noContentLength uses chunked encoding', async () => {
    server.fault('/file.bin', {noContentLength: true});
    const r = await request(server.url('/file.bin'));
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.body.equals(body)).toBe(true);
    const ranged = await request(server.url('/file.bin'), {headers: {range: 'bytes=5-9'}});
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-length']).toBeUndefined();
    expect(ranged.body.equals(body.subarray(5, 10))).toBe(true);
  });

  test('gzip: a GET accepting gzip without Range gets the body gzip-encoded, chunked, weak ETag; Range stays identity', async () => {
    const text = Buffer.from(generateBytes(64 * 1024, 'gz').toString('base64'));
    server.addFile('/text.bin', text, {gzip: true});
    const r = await request(server.url('/text.bin'), {headers: {'accept-encoding': 'gzip, br'}});
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers.etag).toMatch(/^W\//);
    expect(gunzipSync(r.body).equals(text)).toBe(true);
    const plain = await request(server.url('/text.bin'));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(text)).toBe(true);
    const ranged = await request(server.url('/text.bin'), {
      headers: {'accept-encoding': 'gzip', range: 'bytes=5-9'},
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers['content-encoding']).toBeUndefined();
    expect(ranged.body.equals(text.subarray(5, 10))).toBe(true);
  });

  test('gzip: cutAfterBytes counts encoded bytes', async () => {
    const text = Buffer.from(generateBytes(64 * 1024, 'gz-cut').toString('base64'));
    server.addFile('/text.bin', text, {gzip: true});
    server.fault('/text.bin', {cutAfterBytes: 1000, times: 1});
    const r = await request(server.url('/text.bin'), {headers: {'accept-encoding': 'gzip'}});
    expect(r.error).toBeDefined();
    expect(r.body.length).toBe(1000);
  });

  test('delayMs: the delayed response still comes, whole, and the fault is used once', async () => {
    server.fault('/file.bin', {delayMs: 300, times: 1});
    expect((await request(server.url('/file.bin'))).body.equals(body)).toBe(true);
    expect((await request(server.url('/file.bin'))).body.equals(body)).toBe(true);
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  test('hang sends headers then nothing until dropConnections', async () => {
    server.fault('/file.bin', {hang: true, times: 1});
    const gotHeaders = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(server.url('/file.bin'), {agent: false}, resolve);
      req.on('error', reject);
    });
    const res = await gotHeaders;
    expect(res.statusCode).toBe(200);
    let bytes = 0;
    res.on('data', (c: Buffer) => (bytes += c.length));
    const closed = new Promise<void>((resolve) => res.on('close', () => resolve()));
    res.on('error', () => undefined);
    // The server's own count: nothing after the headers.
    expect(server.requests[0]).toMatchObject({bytesSent: 0, completed: false});
    server.dropConnections();
    await closed;
    // Whatever the server had sent arrived before the close: nothing.
    expect(bytes).toBe(0);
    expect(res.complete).toBe(false);
  });

  test('setOffline refuses requests and breaks open ones', async () => {
    server.throttle(1_000_000);
    const inFlight = request(server.url('/file.bin'));
    await server.waitForRequest((r) => r.path === '/file.bin' && r.bytesSent > 0);
    server.setOffline(true);
    const broken = await inFlight;
    expect(broken.error).toBeDefined();
    expect(broken.body.length).toBeLessThan(SIZE);
    await expect(request(server.url('/file.bin'))).rejects.toThrow();
    expect(server.refusedConnections).toBe(1);
    server.setOffline(false);
    server.throttle(null);
    expect((await request(server.url('/file.bin'))).body.equals(body)).toBe(true);
  });
});

describe('throttle', () => {
  /**
   * A clock moved by hand: the bucket's rule (never more than `rate` bytes
   * per second plus its small burst allowance) is checked without waiting,
   * so a busy machine cannot make it pass or fail. The rates actually
   * reached on loopback are the benchmark's business (`npm run bench`).
   */
  /** Lets granted waiters take their bytes and ask again (a few microtask turns). */
  async function settle() {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  function manualClock() {
    let now = 0;
    const timers: Array<{at: number; run: () => void}> = [];
    return {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => {
        const timer = {at: now + ms, run};
        timers.push(timer);
        return timer;
      },
      clearTimeout: (timer: unknown) => {
        const i = timers.indexOf(timer as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
      /** Moves the clock to `now + ms`, firing every timer due on the way. */
      async advance(ms: number) {
        const end = now + ms;
        for (;;) {
          timers.sort((a, b) => a.at - b.at);
          const next = timers[0];
          if (!next || next.at > end) break;
          timers.shift();
          now = next.at;
          next.run();
          await settle();
        }
        now = end;
        await settle();
      },
    };
  }

  /** Keeps asking the bucket for `want` bytes at a time; counts what it got. */
  function drain(bucket: TokenBucket, want: number) {
    const got = {bytes: 0, stopped: false};
    void (async () => {
      while (!got.stopped) {
        const n = await bucket.acquire(want).promise;
        if (n === 0) return;
        got.bytes += n;
      }
    })();
    return got;
  }

  test('a throttled response never gets more than rate × time plus a 20 ms burst, and gets all of it', async () => {
    const clock = manualClock();
    const rate = 40e6;
    const bucket = new TokenBucket(rate, clock);
    bucket.active = 1;
    const got = drain(bucket, 64 * 1024);
    await clock.advance(0);
    // The bucket starts empty: nothing before time passes.
    expect(got.bytes).toBe(0);
    for (let ms = 10; ms <= 300; ms += 10) {
      await clock.advance(10);
      expect(got.bytes).toBeLessThanOrEqual((rate * ms) / 1000 + rate * 0.02);
    }
    // And it is not slower than the rate either (one grant of slack).
    expect(got.bytes).toBeGreaterThanOrEqual(rate * 0.3 - 64 * 1024);
    expect(bucket.granted).toBe(got.bytes);
    got.stopped = true;
    bucket.dispose();
  });

  test('the limit is global: two responses share one rate', async () => {
    const clock = manualClock();
    const rate = 1e6;
    const bucket = new TokenBucket(rate, clock);
    bucket.active = 2;
    const a = drain(bucket, 64 * 1024);
    const b = drain(bucket, 64 * 1024);
    await clock.advance(1000);
    expect(a.bytes + b.bytes).toBeLessThanOrEqual(rate * 1 + rate * 0.25);
    expect(a.bytes + b.bytes).toBeGreaterThanOrEqual(rate * 1 - 2 * 5000);
    // First come, first served: both make progress.
    expect(a.bytes).toBeGreaterThan(0);
    expect(b.bytes).toBeGreaterThan(0);
    a.stopped = b.stopped = true;
    bucket.dispose();
  });

  test('a late event loop catches up (up to 250 ms worth) so the average stays exact, and no more', async () => {
    const clock = manualClock();
    const rate = 1e6;
    const bucket = new TokenBucket(rate, clock);
    bucket.active = 1;
    // The loop was blocked for 1 s while the response was in progress.
    await clock.advance(1000);
    expect(await bucket.acquire(10e6).promise).toBe(rate * 0.25);
    bucket.dispose();
  });

  test('an idle bucket holds only 20 ms worth: a new transfer cannot start with a burst', async () => {
    const clock = manualClock();
    const rate = 1e6;
    const bucket = new TokenBucket(rate, clock);
    await clock.advance(5000);
    // What the server does when a response starts: bring the count up to
    // date while nothing is in progress, then count the response in.
    bucket.refillNow();
    bucket.active = 1;
    expect(await bucket.acquire(10e6).promise).toBe(rate * 0.02);
    bucket.dispose();
  });

  test('a throttled response arrives whole, and the bucket accounts for every byte sent', async () => {
    const big = generateBytes(2 * 1024 * 1024, 1);
    server.addFile('/big.bin', big);
    server.throttle(20e6);
    const rs = await Promise.all([
      request(server.url('/big.bin')),
      request(server.url('/big.bin')),
    ]);
    for (const r of rs) expect(r.body.equals(big)).toBe(true);
    expect(server.bytesSent('/big.bin')).toBe(2 * big.length);
  });

  test('unthrottled: a 64 MiB body arrives whole', async () => {
    const big = generateBytes(64 * 1024 * 1024, 3);
    server.addFile('/big.bin', big);
    const r = await request(server.url('/big.bin'), {discard: true});
    expect(r.body.length).toBe(big.length);
    expect(server.requests.at(-1)!).toMatchObject({bytesSent: big.length, completed: true});
  });
});

describe('waitForRequest', () => {
  test('sees entries that change after they were logged', async () => {
    const big = generateBytes(4 * 1024 * 1024, 4);
    server.addFile('/big.bin', big);
    server.throttle(8e6);
    const done = request(server.url('/big.bin'));
    const seen = await server.waitForRequest(
      (r) => r.path === '/big.bin' && r.bytesSent >= 1024 * 1024,
      {timeout: 5000},
    );
    expect(seen.completed).toBe(false);
    expect(seen.bytesSent).toBeLessThan(big.length);
    server.throttle(null);
    expect((await done).body.equals(big)).toBe(true);
    expect(seen.completed).toBe(true);
  });

  test('times out', async () => {
    await expect(server.waitForRequest((r) => r.path === '/never', {timeout: 100})).rejects.toThrow(
      /no matching request/,
    );
  });
});
