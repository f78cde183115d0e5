/** The public shape of the test server: file options, faults, the request log entry, routes, {@link TestServer}. */
import type * as http from 'node:http';

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
  /**
   * Served by this many servers behind a load balancer, in turn (request
   * i by server i mod n): the same bytes, but each server sends its own
   * `ETag` (`"…-k"`) and `Last-Modified` (k seconds later) and judges
   * `If-Range` by them, as servers deployed at different times do.
   * Default 1.
   */
  mirrors?: number;
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
  /** Extra headers of the `status` answer (e.g. `{'Retry-After': '1'}`). */
  statusHeaders?: Record<string, string>;
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
