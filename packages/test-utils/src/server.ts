/**
 * A real HTTP/1.1 test server on 127.0.0.1 for Background Fetch tests:
 * in-memory files with Range / If-Range / ETag / Last-Modified, static
 * directories, custom routes, per-path fault injection, a global bandwidth
 * throttle, "offline" simulation and a request log.
 *
 * Built on `node:http` only. Bodies are streamed from the stored Buffer in
 * zero-copy slices (`Buffer#subarray`) with backpressure, so 256 MiB bodies
 * go through at loopback speed without extra memory.
 */
import {createHash} from 'node:crypto';
import {gzipSync} from 'node:zlib';
import {promises as fsp} from 'node:fs';
import * as http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import * as path from 'node:path';

/** Options of {@link TestServer.addFile}. */
export interface AddFileOptions {
  /** `Content-Type`; default guessed from the path's extension, else `application/octet-stream`. */
  contentType?: string;
  /** Strong ETag to send (quotes added when missing); `false` sends none. Default: a SHA-256 based strong ETag. */
  etag?: string | false;
  /** `Last-Modified` HTTP date; `false` sends none. Default: the time of `addFile`. */
  lastModified?: string | false;
  /** Honour `Range` requests and send `Accept-Ranges: bytes` (default `true`). When false, `Accept-Ranges: none` and Range is ignored. */
  acceptRanges?: boolean;
  /** Extra response headers, applied last (they override the defaults). */
  headers?: Record<string, string>;
  /**
   * Answer a GET that accepts gzip and asks no Range with the body
   * gzip-encoded, chunked (no `Content-Length`) and with a weak ETag, as
   * nginx with `gzip on` does; Range requests still get identity 206s. A
   * fault's `cutAfterBytes` then counts encoded bytes. Default false.
   */
  gzip?: boolean;
}

/**
 * A fault injected for one path with {@link TestServer.fault}. Each request to
 * that path consumes one use (`times`, default `Infinity`). Fields combine:
 * e.g. `{delayMs: 200, cutAfterBytes: 1000}` waits, then cuts.
 */
export interface FaultSpec {
  /** How many requests this fault applies to (default `Infinity`). */
  times?: number;
  /** Send the headers and this many body bytes, then destroy the socket. */
  cutAfterBytes?: number;
  /** Reply with this status and a small text body instead of the resource. */
  status?: number;
  /** Answer Range requests with `200` and the full body. */
  ignoreRange?: boolean;
  /** Wait this long before responding. */
  delayMs?: number;
  /** Omit `Content-Length` (chunked transfer encoding). */
  noContentLength?: boolean;
  /** Send the headers, then nothing until the socket is destroyed. */
  hang?: boolean;
}

/** One entry of {@link TestServer.requests}. Pushed when a request arrives and updated in place. */
export interface RequestLogEntry {
  /** HTTP method. */
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Path with the query string, as requested. */
  url: string;
  /** The `Range` request header, if any. */
  range?: string;
  /** The `If-Range` request header, if any. */
  ifRange?: string;
  /** Request headers (lower-case names). */
  headers: http.IncomingHttpHeaders;
  /** Response status (0 until the headers are sent). */
  status: number;
  /** Response body bytes handed to the kernel. */
  bytesSent: number;
  /** True when the whole response was written; false while in flight or when cut. */
  completed: boolean;
  /** `Date.now()` when the request arrived. */
  startedAt: number;
  /** `Date.now()` when the response finished or its socket closed (0 while open). */
  endedAt: number;
}

/** A custom request handler for {@link TestServer.route}. CORS and `Cache-Control` headers are already set on `res`. */
export type RouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => void | Promise<void>;

/** The running server returned by {@link startTestServer}. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The port listened on. */
  readonly port: number;
  /** Absolute URL of `p` on this server (`p` should start with `/`). */
  url(p: string): string;
  /** Serves `body` at `p` (replacing any file there) with Range support. */
  addFile(p: string, body: Buffer, opts?: AddFileOptions): void;
  /** Replaces the body of a file added earlier, giving it a new ETag and a later Last-Modified (a file that changed between chunks). */
  replaceFile(p: string, newBody: Buffer): void;
  /** Removes a file added with {@link TestServer.addFile}. */
  removeFile(p: string): void;
  /** Serves files of `dir` under `urlPrefix` (read on each request; `Service-Worker-Allowed: /` on `.js`). */
  serveDir(urlPrefix: string, dir: string): void;
  /** Handles `p` (exact path, any method) with `handler`. Routes win over files. */
  route(p: string, handler: RouteHandler): void;
  /** Adds a fault for path `p`; several faults for one path are used in the order added. */
  fault(p: string, spec: FaultSpec): void;
  /** Clears the faults of `p`, or of every path. */
  clearFaults(p?: string): void;
  /** Global bandwidth limit shared by all responses, in bytes per second; `null` removes it. */
  throttle(bytesPerSecond: number | null): void;
  /** While offline every new connection and every open socket is destroyed at once. */
  setOffline(offline: boolean): void;
  /** Connections refused while offline, since the server started (proof that a client tried). */
  readonly refusedConnections: number;
  /** Destroys every open socket once. */
  dropConnections(): void;
  /** The request log, oldest first. */
  readonly requests: RequestLogEntry[];
  /** Body bytes sent, for one path or in total. */
  bytesSent(p?: string): number;
  /** Empties {@link TestServer.requests}. */
  resetLog(): void;
  /**
   * Resolves with the first logged request (past or future) matching `pred`;
   * rejects after `timeout` ms (default 30 s). Entries are updated in place
   * as responses progress, and `pred` is re-checked every 10 ms, so
   * `(r) => r.path === '/a' && r.bytesSent > 1e6` works.
   */
  waitForRequest(
    pred: (r: RequestLogEntry) => boolean,
    opts?: {timeout?: number},
  ): Promise<RequestLogEntry>;
  /** Destroys all sockets and stops listening. */
  close(): Promise<void>;
}

/**
 * Deterministic pseudo-random bytes (xorshift32 over a Uint32Array):
 * the same `(size, seed)` always gives the same bytes. 256 MiB takes
 * about 0.3 s.
 */
export function generateBytes(size: number, seed: number | string = 1): Buffer {
  if (!Number.isInteger(size) || size < 0) {
    throw new RangeError(`generateBytes: bad size ${size}`);
  }
  let s: number;
  if (typeof seed === 'string') {
    s = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
      s = Math.imul(s ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    }
  } else {
    s = Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b;
  }
  s = s >>> 0 || 0x6d2b79f5;
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Lower-case hex SHA-256 of `buf`. */
export function sha256(buf: Uint8Array | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.bin': 'application/octet-stream',
};

/** `Content-Type` for a file name by extension (`application/octet-stream` when unknown). */
export function contentTypeFor(p: string): string {
  return CONTENT_TYPES[path.extname(p).toLowerCase()] ?? 'application/octet-stream';
}

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

/** The clock a {@link TokenBucket} reads (injectable, so its rule is tested without waiting). */
export interface BucketClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realBucketClock: BucketClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Global token bucket shared by every response. Tokens accumulate at `rate`
 * bytes/s; waiters are served first-come first-served. The bucket starts
 * empty. While no throttled response is in progress it holds at most 20 ms
 * worth (a new transfer cannot start with a big burst); while responses are
 * in progress it holds up to 250 ms worth, so an event loop that was late
 * (a busy machine) catches up and the average rate stays exact.
 */
export class TokenBucket {
  private tokens = 0;
  private last: number;
  /** Bytes handed out since the bucket was made (its own accounting). */
  granted = 0;
  private readonly idleCap: number;
  private readonly busyCap: number;
  private readonly minGrant: number;
  /** Throttled responses in progress. */
  active = 0;
  private queue: {want: number; resolve: (n: number) => void}[] = [];
  private timer: unknown;

  constructor(
    readonly rate: number,
    private readonly clock: BucketClock = realBucketClock,
  ) {
    this.last = clock.now();
    this.idleCap = Math.max(1024, rate * 0.02);
    this.busyCap = Math.max(1024, rate * 0.25);
    this.minGrant = Math.max(1, Math.min(16 * 1024, Math.floor(rate / 200)));
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(
      this.active > 0 || this.queue.length > 0 ? this.busyCap : this.idleCap,
      this.tokens + ((now - this.last) / 1000) * this.rate,
    );
    this.last = now;
  }

  /** Resolves with 1..want bytes that may be sent now; 0 when cancelled. */
  acquire(want: number): {promise: Promise<number>; cancel: () => void} {
    let entry!: {want: number; resolve: (n: number) => void};
    const promise = new Promise<number>((resolve) => {
      entry = {want, resolve};
    });
    this.queue.push(entry);
    this.pump();
    return {
      promise,
      cancel: () => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) {
          this.queue.splice(i, 1);
          entry.resolve(0);
        }
      },
    };
  }

  private pump = (): void => {
    this.timer = undefined;
    this.refill();
    while (this.queue.length) {
      const head = this.queue[0];
      const need = Math.min(head.want, this.minGrant);
      if (this.tokens < need) break;
      const grant = Math.min(head.want, Math.floor(this.tokens));
      this.tokens -= grant;
      this.granted += grant;
      this.queue.shift();
      head.resolve(grant);
    }
    if (this.queue.length && !this.timer) {
      const need = Math.min(this.queue[0].want, this.minGrant) - this.tokens;
      const ms = Math.max(1, Math.ceil((need / this.rate) * 1000));
      this.timer = this.clock.setTimeout(this.pump, ms);
    }
  };

  /** Brings the token count up to date (before `active` changes). */
  refillNow(): void {
    this.refill();
  }

  /** Releases every waiter (with 0) and stops the timer. */
  dispose(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) w.resolve(0);
  }
}

const SLICE = 1024 * 1024;
const THROTTLED_SLICE = 64 * 1024;

function httpDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}-${body.length.toString(36)}"`;
}

function quoteEtag(e: string): string {
  if (e.startsWith('"') || e.startsWith('W/"')) return e;
  return `"${e}"`;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

type ParsedRange = {start: number; end: number} | 'unsatisfiable' | null;

/** Parses a single-range `Range` header against `size`; null = ignore the header. */
function parseRange(header: string, size: number): ParsedRange {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null; // Multi-range or malformed: serve the full body.
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return {start: Math.max(0, size - n), end: size - 1};
  }
  const start = Number(a);
  let end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return null;
  if (start >= size) return 'unsatisfiable';
  if (end >= size) end = size - 1;
  return {start, end};
}

/** Starts a {@link TestServer} on 127.0.0.1 (random port unless `port` is given). */
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
