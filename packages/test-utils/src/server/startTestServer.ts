/**
 * {@link startTestServer}: the HTTP server, the order in which a request is
 * answered (preflight, fault, route, file, 404), connection tracking for
 * "offline", and the {@link TestServer} API over the parts in this folder.
 */
import * as http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {answerPreflight, baseHeaders} from './cors';
import {answerWithStatus, FaultTable} from './faults';
import {FileStore} from './files';
import {RequestLog} from './requestLog';
import {runRoute} from './routes';
import {serveFile} from './serveFile';
import {TokenBucket} from './throttle';
import type {RouteHandler, TestServer} from './types';

/** Starts a {@link TestServer} on 127.0.0.1 (random port unless `port` is given). */
export async function startTestServer(options: {port?: number} = {}): Promise<TestServer> {
  const files = new FileStore();
  const routes = new Map<string, RouteHandler>();
  const faults = new FaultTable();
  const log = new RequestLog();
  const sockets = new Set<Socket>();
  let bucket: TokenBucket | null = null;
  const throttle = () => bucket;
  let offline = false;
  let refusedConnections = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const p = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const entry = log.record(req, res, p);

    if (answerPreflight(req, res, entry)) return;

    const fault = faults.take(p);
    if (fault?.delayMs) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
    }
    if (fault?.status !== undefined) {
      answerWithStatus(req, res, entry, fault.status, fault.statusHeaders);
      return;
    }

    const handler = routes.get(p);
    if (handler) {
      await runRoute(req, res, entry, handler, fault);
      return;
    }

    const file = await files.find(p);
    if (file) {
      await serveFile(req, res, entry, file, fault, throttle);
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
    addFile: (p, body, opts) => files.add(p, body, opts),
    replaceFile: (p, newBody) => files.replace(p, newBody),
    removeFile: (p) => files.remove(p),
    serveDir: (urlPrefix, dir) => files.serveDir(urlPrefix, dir),
    route(p, handler) {
      routes.set(p, handler);
    },
    fault: (p, spec) => faults.add(p, spec),
    clearFaults: (p) => faults.clear(p),
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
    requests: log.entries,
    bytesSent: (p) => log.bytesSent(p),
    resetLog: () => log.reset(),
    waitForRequest: (pred, opts) => log.waitFor(pred, opts),
    async close() {
      log.close();
      bucket?.dispose();
      bucket = null;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
