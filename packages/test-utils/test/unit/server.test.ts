import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {gunzipSync} from 'node:zlib';
import {
  generateBytes,
  sha256,
  startTestServer,
  type TestServer,
} from '../../src/index';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection broke before the body was complete. */
  error?: string;
  /** Time from request to the end of the body, ms. */
  ms: number;
}

function request(
  url: string,
  opts: {method?: string; headers?: Record<string, string>; discard?: boolean} = {},
): Promise<Got> {
  const t0 = performance.now();
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
            ms: performance.now() - t0,
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
    expect(generateBytes(1001, 'abc').subarray(0, 1000)).toEqual(
      generateBytes(1000, 'abc'),
    );
    expect(generateBytes(7, 3).length).toBe(7);
    expect(generateBytes(0, 3).length).toBe(0);
    // Not trivially repetitive.
    const b = generateBytes(4096, 9);
    expect(new Set(b).size).toBeGreaterThan(200);
  });

  test('256 MiB generated in < 1 s of CPU time', () => {
    // CPU time, not wall time: other processes on a busy machine do not count.
    const c = process.cpuUsage();
    const b = generateBytes(256 * 1024 * 1024, 5);
    const used = process.cpuUsage(c);
    expect(b.length).toBe(256 * 1024 * 1024);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
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
    expect(r.headers['etag']).toMatch(/^"[^"]+"$/);
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
    expect(r.headers['etag']).toBeDefined();
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
    const etag = head.headers['etag']!;
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
      headers: {range: 'bytes=10-', 'if-range': 'W/' + etag},
    });
    expect(weak.status).toBe(200);
    expect(server.requests.map((r) => r.ifRange)).toContain('"nope"');
  });

  test('replaceFile changes ETag and Last-Modified; old If-Range → 200', async () => {
    const before = await request(server.url('/file.bin'), {method: 'HEAD'});
    const other = generateBytes(SIZE, 43);
    server.replaceFile('/file.bin', other);
    const r = await request(server.url('/file.bin'), {
      headers: {range: 'bytes=10-', 'if-range': before.headers['etag']!},
    });
    expect(r.status).toBe(200);
    expect(r.body.equals(other)).toBe(true);
    expect(r.headers['etag']).not.toBe(before.headers['etag']);
    expect(Date.parse(r.headers['last-modified']!)).toBeGreaterThan(
      Date.parse(before.headers['last-modified']!),
    );
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
    expect(r.headers['etag']).toBeUndefined();
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
    expect((await request(server.url('/static/a.wav'))).headers['content-type']).toBe(
      'audio/wav',
    );
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
    const ranged = await request(server.url('/text.bin'), {headers: {'accept-encoding': 'gzip', range: 'bytes=5-9'}});
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

  test('delayMs delays the response', async () => {
    server.fault('/file.bin', {delayMs: 300, times: 1});
    const r = await request(server.url('/file.bin'), {method: 'HEAD'});
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(290);
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
    await new Promise((r) => setTimeout(r, 300));
    expect(bytes).toBe(0);
    expect(server.requests[0].completed).toBe(false);
    server.dropConnections();
    await closed;
    expect(res.complete).toBe(false);
  });

  test('setOffline refuses requests and breaks open ones', async () => {
    server.throttle(1_000_000);
    const inFlight = request(server.url('/file.bin'));
    await server.waitForRequest((r) => r.path === '/file.bin');
    await new Promise((r) => setTimeout(r, 100));
    server.setOffline(true);
    const broken = await inFlight;
    expect(broken.error).toBeDefined();
    expect(broken.body.length).toBeLessThan(SIZE);
    await expect(request(server.url('/file.bin'))).rejects.toThrow();
    server.setOffline(false);
    server.throttle(null);
    expect((await request(server.url('/file.bin'))).body.equals(body)).toBe(true);
  });
});

describe('throttle', () => {
  /**
   * Wall-clock rates are what a throttle is about, but a machine busy with
   * other work can starve this process: measure up to 3 times and judge the
   * attempt closest to the target. A wrong throttle fails all three.
   */
  async function bestRate(measure: () => Promise<number>, target: number) {
    const rates: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await measure();
      rates.push(r);
      if (Math.abs(r - target) <= target * 0.1) break;
    }
    return rates.reduce((a, b) => (Math.abs(b - target) < Math.abs(a - target) ? b : a));
  }

  test('40 MB/s holds within ±10% for an 8 MiB body', async () => {
    const big = generateBytes(8 * 1024 * 1024, 1);
    server.addFile('/big.bin', big);
    server.throttle(40e6);
    const rate = await bestRate(async () => {
      const r = await request(server.url('/big.bin'));
      expect(r.body.equals(big)).toBe(true);
      return big.length / (r.ms / 1000);
    }, 40e6);
    expect(rate).toBeGreaterThan(40e6 * 0.9);
    expect(rate).toBeLessThan(40e6 * 1.1);
  });

  test('the limit is global across concurrent responses', async () => {
    const big = generateBytes(4 * 1024 * 1024, 2);
    server.addFile('/big.bin', big);
    server.throttle(40e6);
    const rate = await bestRate(async () => {
      const t = performance.now();
      const rs = await Promise.all([
        request(server.url('/big.bin')),
        request(server.url('/big.bin')),
      ]);
      for (const r of rs) expect(r.body.equals(big)).toBe(true);
      return (2 * big.length) / ((performance.now() - t) / 1000);
    }, 40e6);
    expect(rate).toBeGreaterThan(40e6 * 0.9);
    expect(rate).toBeLessThan(40e6 * 1.1);
  });

  test('a slow limit is not exceeded by bursts', async () => {
    server.throttle(1e6);
    const r = await request(server.url('/file.bin')); // 1 MiB
    expect(r.body.equals(body)).toBe(true);
    // 1.05 s at exactly 1 MB/s; the bucket starts empty, so never faster.
    expect(r.ms).toBeGreaterThan(1000);
  });

  test('unthrottled is efficient: 64 MiB costs < 1 s of CPU (client included)', async () => {
    const big = generateBytes(64 * 1024 * 1024, 3);
    server.addFile('/big.bin', big);
    const c = process.cpuUsage();
    const r = await request(server.url('/big.bin'), {discard: true});
    const used = process.cpuUsage(c);
    expect(r.body.length).toBe(big.length);
    expect(server.requests.at(-1)!.bytesSent).toBe(big.length);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
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
    await expect(
      server.waitForRequest((r) => r.path === '/never', {timeout: 100}),
    ).rejects.toThrow(/no matching request/);
  });
});
