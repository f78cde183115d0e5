/** {@link startTestServer}: the HTTP server, its routing and the {@link TestServer} API. */
import {gzipSync} from 'node:zlib';
import {promises as fsp} from 'node:fs';
import * as http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import * as path from 'node:path';
import {contentTypeFor} from './contentTypes';
import {headerValue, parseRange} from './range';
import {TokenBucket} from './throttle';
import type {FaultSpec, RequestLogEntry, RouteHandler, TestServer} from './types';
import {httpDate, quoteEtag, strongEtag} from './validators';

const EXPOSED = 'Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges, Content-Type';

interface FileEntry {
  body: Buffer;
  contentType: string;
  etag: string | false;
  lastModified: string | false;
  acceptRanges: boolean;
  headers: Record<string, string>;
  /** Whether the ETag/Last-Modified were generated (regenerate on replaceFile). */
  autoEtag: boolean;
  autoLastModified: boolean;
  gzip?: boolean;
  /** The gzip-encoded body, made on first use. */
  gzipped?: Buffer;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

const SLICE = 1024 * 1024;
const THROTTLED_SLICE = 64 * 1024;

export async function startTestServer(options: {port?: number} = {}): Promise<TestServer> {
  const files = new Map<string, FileEntry>();
  const routes = new Map<string, RouteHandler>();
  const dirs: {prefix: string; dir: string}[] = [];
  const faults = new Map<string, ActiveFault[]>();
  const sockets = new Set<Socket>();
  const requests: RequestLogEntry[] = [];
  const requestWaiters = new Set<{
    pred: (r: RequestLogEntry) => boolean;
    resolve: (r: RequestLogEntry) => void;
    reject: (e: Error) => void;
  }>();
  let waiterPoll: NodeJS.Timeout | undefined;

  /** Re-checks the waiters against every entry (entries change as responses progress). */
  function checkWaiters(): void {
    for (const w of [...requestWaiters]) {
      let hit: RequestLogEntry | undefined;
      try {
        hit = requests.find(w.pred);
      } catch (e) {
        requestWaiters.delete(w);
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (hit) {
        requestWaiters.delete(w);
        w.resolve(hit);
      }
    }
    if (!requestWaiters.size && waiterPoll) {
      clearInterval(waiterPoll);
      waiterPoll = undefined;
    }
  }

  function ensureWaiterPoll(): void {
    if (!waiterPoll) waiterPoll = setInterval(checkWaiters, 10);
  }
  let bucket: TokenBucket | null = null;
  let offline = false;
  let refusedConnections = 0;

  function takeFault(p: string): FaultSpec | undefined {
    const list = faults.get(p);
    if (!list) return undefined;
    while (list.length && list[0].remaining <= 0) list.shift();
    const f = list[0];
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining <= 0) list.shift();
    return f.spec;
  }

  function baseHeaders(req: http.IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    const h: Record<string, string> = {
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': origin ?? '*',
      'Access-Control-Expose-Headers': EXPOSED,
    };
    if (origin) {
      h['Access-Control-Allow-Credentials'] = 'true';
      h.Vary = 'Origin';
    }
    return h;
  }

  /** Waits for 'drain' or 'close'; resolves false when the response is gone. */
  function drained(res: http.ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  }

  function waitClose(res: http.ServerResponse): Promise<void> {
    if (res.destroyed || res.writableFinished) return Promise.resolve();
    return new Promise((resolve) => res.once('close', () => resolve()));
  }

  async function sendBody(
    res: http.ServerResponse,
    entry: RequestLogEntry,
    body: Buffer,
    start: number,
    endExclusive: number,
    cutAfter: number | undefined,
  ): Promise<void> {
    const limit = cutAfter === undefined ? endExclusive : Math.min(endExclusive, start + cutAfter);
    let pos = start;
    let lastWrite: Promise<void> = Promise.resolve();
    // The bucket this response counts as "in progress" for.
    let joined: TokenBucket | null = null;
    const join = (b: TokenBucket | null) => {
      if (joined === b) return;
      if (joined) {
        joined.refillNow();
        joined.active--;
      }
      if (b) {
        b.refillNow();
        b.active++;
      }
      joined = b;
    };
    try {
      while (pos < limit) {
        if (res.destroyed) return;
        let n: number;
        const b = bucket;
        join(b);
        if (b) {
          const want = Math.min(THROTTLED_SLICE, limit - pos);
          const {promise, cancel} = b.acquire(want);
          const onClose = () => cancel();
          res.once('close', onClose);
          n = await promise;
          res.off('close', onClose);
          if (n === 0) continue; // Closed (checked above) or throttle changed.
        } else {
          n = Math.min(SLICE, limit - pos);
        }
        if (res.destroyed) return;
        const chunk = body.subarray(pos, pos + n);
        pos += n;
        lastWrite = new Promise<void>((resolve) => {
          res.write(chunk, (err) => {
            if (!err) entry.bytesSent += chunk.length;
            resolve();
          });
        });
        if (res.writableNeedDrain && !(await drained(res))) return;
      }
    } finally {
      join(null);
    }
    if (res.destroyed) return;
    if (cutAfter !== undefined && cutAfter < endExclusive - start) {
      await lastWrite;
      res.socket?.destroy();
      return;
    }
    res.end();
  }

  async function serveBuffer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: RequestLogEntry,
    file: FileEntry,
    fault: FaultSpec | undefined,
  ): Promise<void> {
    const size = file.body.length;
    const headers: Record<string, string | number> = {
      ...baseHeaders(req),
      'Content-Type': file.contentType,
      'Accept-Ranges': file.acceptRanges ? 'bytes' : 'none',
    };
    if (file.etag) headers.ETag = file.etag;
    if (file.lastModified) headers['Last-Modified'] = file.lastModified;
    if (file.contentType.startsWith('text/javascript')) {
      headers['Service-Worker-Allowed'] = '/';
    }
    Object.assign(headers, file.headers);

    const rangeHeader = req.headers.range;
    if (
      file.gzip &&
      !rangeHeader &&
      req.method === 'GET' &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    ) {
      await serveGzipped(res, entry, file, headers, fault);
      return;
    }
    let status = 200;
    let start = 0;
    let end = size; // exclusive
    if (
      rangeHeader &&
      file.acceptRanges &&
      !fault?.ignoreRange &&
      (req.method === 'GET' || req.method === 'HEAD')
    ) {
      let useRange = true;
      const ifRange = headerValue(req.headers['if-range']);
      if (ifRange !== undefined) {
        const v = ifRange.trim();
        if (v.startsWith('"') || v.startsWith('W/')) {
          // Strong comparison: a weak validator never matches.
          useRange =
            !!file.etag && !v.startsWith('W/') && !file.etag.startsWith('W/') && v === file.etag;
        } else {
          useRange = !!file.lastModified && v === file.lastModified;
        }
      }
      const r = useRange ? parseRange(rangeHeader, size) : null;
      if (r === 'unsatisfiable') {
        res.writeHead(416, {
          ...headers,
          'Content-Range': `bytes */${size}`,
          'Content-Length': 0,
        });
        entry.status = 416;
        res.end();
        return;
      }
      if (r) {
        status = 206;
        start = r.start;
        end = r.end + 1;
        headers['Content-Range'] = `bytes ${r.start}-${r.end}/${size}`;
      }
    }
    if (!fault?.noContentLength) headers['Content-Length'] = end - start;
    res.writeHead(status, headers);
    entry.status = status;
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (fault?.hang) {
      res.flushHeaders();
      await waitClose(res);
      return;
    }
    await sendBody(res, entry, file.body, start, end, fault?.cutAfterBytes);
  }

  /** A whole file gzip-encoded and chunked, as nginx's `gzip on` answers (see `AddFileOptions.gzip`). */
  async function serveGzipped(
    res: http.ServerResponse,
    entry: RequestLogEntry,
    file: FileEntry,
    headers: Record<string, string | number>,
    fault: FaultSpec | undefined,
  ): Promise<void> {
    file.gzipped ??= gzipSync(file.body);
    const encoded = file.gzipped;
    const gzHeaders: Record<string, string | number> = {
      ...headers,
      'Content-Encoding': 'gzip',
      Vary: headers.Vary ? `${headers.Vary}, Accept-Encoding` : 'Accept-Encoding',
    };
    if (typeof gzHeaders.ETag === 'string' && !gzHeaders.ETag.startsWith('W/')) {
      gzHeaders.ETag = `W/${gzHeaders.ETag}`;
    }
    res.writeHead(200, gzHeaders);
    entry.status = 200;
    if (fault?.hang) {
      res.flushHeaders();
      await waitClose(res);
      return;
    }
    await sendBody(res, entry, encoded, 0, encoded.length, fault?.cutAfterBytes);
  }

  async function fromDir(p: string): Promise<FileEntry | undefined> {
    for (const {prefix, dir} of dirs) {
      if (!p.startsWith(prefix)) continue;
      let rel = p.slice(prefix.length);
      try {
        rel = decodeURIComponent(rel);
      } catch {
        continue;
      }
      const full = path.resolve(dir, `.${path.posix.normalize(`/${rel}`)}`);
      if (full !== dir && !full.startsWith(dir + path.sep)) continue;
      try {
        let target = full;
        let st = await fsp.stat(target);
        if (st.isDirectory()) {
          target = path.join(target, 'index.html');
          st = await fsp.stat(target);
        }
        const body = await fsp.readFile(target);
        return {
          body,
          contentType: contentTypeFor(target),
          etag: `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}-${st.ino.toString(36)}"`,
          lastModified: httpDate(st.mtimeMs),
          acceptRanges: true,
          headers: {},
          autoEtag: true,
          autoLastModified: true,
        };
      } catch {}
    }
    return undefined;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const p = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: p,
      url: rawUrl,
      range: req.headers.range,
      ifRange: headerValue(req.headers['if-range']),
      headers: req.headers,
      status: 0,
      bytesSent: 0,
      completed: false,
      startedAt: Date.now(),
      endedAt: 0,
    };
    requests.push(entry);
    if (requestWaiters.size) checkWaiters();
    res.on('close', () => {
      entry.endedAt = Date.now();
      entry.completed = res.writableFinished;
      if (!entry.status && res.headersSent) entry.status = res.statusCode;
    });
    res.on('finish', () => {
      if (!entry.status) entry.status = res.statusCode;
    });

    // CORS preflight.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const h: Record<string, string> = {
        ...baseHeaders(req),
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
        'Access-Control-Max-Age': '0',
        'Content-Length': '0',
      };
      const reqHeaders = req.headers['access-control-request-headers'];
      if (reqHeaders) h['Access-Control-Allow-Headers'] = reqHeaders;
      res.writeHead(204, h);
      entry.status = 204;
      res.end();
      return;
    }

    const fault = takeFault(p);
    if (fault?.delayMs) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
    }
    if (fault?.status !== undefined) {
      const body = Buffer.from(`${fault.status} (injected fault)\n`);
      res.writeHead(fault.status, {
        ...baseHeaders(req),
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': body.length,
      });
      entry.status = fault.status;
      if (req.method === 'HEAD') {
        res.end();
      } else {
        res.end(body, () => {
          entry.bytesSent += body.length;
        });
      }
      return;
    }

    const handler = routes.get(p);
    if (handler) {
      for (const [k, v] of Object.entries(baseHeaders(req))) res.setHeader(k, v);
      if (fault?.hang) {
        res.writeHead(200);
        res.flushHeaders();
        entry.status = 200;
        await waitClose(res);
        return;
      }
      // Count body bytes written by the handler.
      const origWrite = res.write.bind(res) as (...a: unknown[]) => boolean;
      const origEnd = res.end.bind(res) as (...a: unknown[]) => http.ServerResponse;
      const count = (chunk: unknown) => {
        if (typeof chunk === 'string') entry.bytesSent += Buffer.byteLength(chunk);
        else if (chunk instanceof Uint8Array) entry.bytesSent += chunk.length;
      };
      (res as unknown as {write: (...a: unknown[]) => boolean}).write = (...a: unknown[]) => {
        count(a[0]);
        return origWrite(...a);
      };
      (res as unknown as {end: (...a: unknown[]) => unknown}).end = (...a: unknown[]) => {
        if (typeof a[0] !== 'function') count(a[0]);
        return origEnd(...a);
      };
      await handler(req, res);
      return;
    }

    const file = files.get(p) ?? (await fromDir(p));
    if (file) {
      await serveBuffer(req, res, entry, file, fault);
      return;
    }

    const body = Buffer.from(`404 not found: ${p}\n`);
    res.writeHead(404, {
      ...baseHeaders(req),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': body.length,
    });
    entry.status = 404;
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, {'Content-Type': 'text/plain'});
        res.end(String(err instanceof Error ? err.stack : err));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    if (offline) {
      refusedConnections += 1;
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  function destroyAll(): void {
    for (const s of sockets) s.destroy();
    sockets.clear();
  }

  const api: TestServer = {
    origin,
    port,
    url: (p) => origin + (p.startsWith('/') ? p : `/${p}`),
    addFile(p, body, opts = {}) {
      const etag = opts.etag === undefined ? strongEtag(body) : opts.etag && quoteEtag(opts.etag);
      files.set(p, {
        body,
        contentType: opts.contentType ?? contentTypeFor(p),
        etag,
        lastModified: opts.lastModified === undefined ? httpDate(Date.now()) : opts.lastModified,
        acceptRanges: opts.acceptRanges ?? true,
        headers: opts.headers ?? {},
        autoEtag: opts.etag === undefined,
        autoLastModified: opts.lastModified === undefined,
        gzip: opts.gzip ?? false,
      });
    },
    replaceFile(p, newBody) {
      const f = files.get(p);
      if (!f) throw new Error(`replaceFile: no file at ${p}`);
      const oldEtag = f.etag;
      f.body = newBody;
      f.gzipped = undefined;
      if (f.etag !== false) {
        let e = strongEtag(newBody);
        if (e === oldEtag || !f.autoEtag) {
          e = `"${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}"`;
        }
        f.etag = e;
      }
      if (f.lastModified !== false) {
        const prev = Date.parse(f.lastModified);
        const next = Math.max(Date.now(), (Number.isNaN(prev) ? 0 : prev) + 1000);
        f.lastModified = httpDate(next);
      }
    },
    removeFile(p) {
      files.delete(p);
    },
    serveDir(urlPrefix, dir) {
      const prefix = urlPrefix.endsWith('/') ? urlPrefix : `${urlPrefix}/`;
      dirs.push({prefix, dir: path.resolve(dir)});
    },
    route(p, handler) {
      routes.set(p, handler);
    },
    fault(p, spec) {
      const list = faults.get(p) ?? [];
      list.push({spec, remaining: spec.times ?? Infinity});
      faults.set(p, list);
    },
    clearFaults(p) {
      if (p === undefined) faults.clear();
      else faults.delete(p);
    },
    throttle(bytesPerSecond) {
      bucket?.dispose();
      bucket = bytesPerSecond && bytesPerSecond > 0 ? new TokenBucket(bytesPerSecond) : null;
    },
    setOffline(value) {
      offline = value;
      if (value) destroyAll();
    },
    dropConnections() {
      destroyAll();
    },
    get refusedConnections() {
      return refusedConnections;
    },
    requests,
    bytesSent(p) {
      let sum = 0;
      for (const r of requests) if (p === undefined || r.path === p) sum += r.bytesSent;
      return sum;
    },
    resetLog() {
      requests.length = 0;
    },
    waitForRequest(pred, opts = {}) {
      const found = requests.find(pred);
      if (found) return Promise.resolve(found);
      const timeout = opts.timeout ?? 30_000;
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (r: RequestLogEntry) => {
            clearTimeout(t);
            resolve(r);
          },
          reject: (e: Error) => {
            clearTimeout(t);
            reject(e);
          },
        };
        const t = setTimeout(() => {
          requestWaiters.delete(w);
          reject(new Error(`waitForRequest: no matching request within ${timeout} ms`));
        }, timeout);
        requestWaiters.add(w);
        ensureWaiterPoll();
      });
    },
    async close() {
      if (waiterPoll) clearInterval(waiterPoll);
      waiterPoll = undefined;
      for (const w of requestWaiters) w.reject(new Error('waitForRequest: server closed'));
      requestWaiters.clear();
      bucket?.dispose();
      bucket = null;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
