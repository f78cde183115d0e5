/*
  The HTTP server every example runs on.

  - The site: a real HTTP/1.1 server on 127.0.0.1 (packages/test-utils'
    server) with static files, Range / If-Range, strong ETags and
    Last-Modified, so both native Background Fetch and the chunked fallback
    can resume.
  - The control port: a second tiny server on 127.0.0.1 that throttles the
    site, cuts it off ("offline": every socket is destroyed, new ones are
    refused), drops open connections once, and shows the site's request log.
    It lives on its own port so it still answers while the site is "offline";
    the pages' control bar (client/control-bar.js) talks to it with CORS.

  Used by examples/<name>/serve.mjs, examples/server/serve.mjs (any
  directory) and the browser tests of the examples.
*/
import * as http from 'node:http';
import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {loadTestServer} from './lib/test-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CONTROL_BAR = join(here, 'client', 'control-bar.js');

/** How many request-log entries the server keeps. */
const LOG_LIMIT = 1000;

/**
 * Parses a bandwidth: a number of bytes per second, or `'2MB'`, `'512KB'`,
 * `'1.5MiB'` (per second), or `'off'` / `'0'` / `''` for no limit (null).
 *
 * @param {string | number | null | undefined} value
 * @returns {number | null}
 */
export function parseRate(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value > 0 ? value : null;
  const text = String(value).trim().toLowerCase().replace(/\/s$/, '');
  if (text === '' || text === 'off' || text === 'none' || text === '0') return null;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/.exec(text);
  if (!m) throw new TypeError(`Not a bandwidth: ${value} (try 2MB, 512KB, or off)`);
  const unit = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
  }[m[2] ?? 'b'];
  const rate = Math.round(Number(m[1]) * unit);
  return rate > 0 ? rate : null;
}

/** `2.0 MB/s`, or `unlimited`. */
export function formatRate(rate) {
  if (!rate) return 'unlimited';
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)} MB/s`;
  return `${Math.round(rate / 1e3)} KB/s`;
}

function formatBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} KB`;
  return `${n} B`;
}

/** Listens on `port` (0: any free port) at 127.0.0.1; resolves with the port. */
function listen(server, port) {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePort(server.address().port);
    });
  });
}

/**
 * Starts the site server and its control server.
 *
 * @param {object} options
 * @param {string} options.siteDir The directory served at `/`.
 * @param {string} [options.name] Shown in the control panel.
 * @param {number} [options.port] Site port (default 8080; `0` for any free
 *   port). When the default is busy, a free port is used instead.
 * @param {number} [options.controlPort] Control port (default: site port + 1,
 *   else any free port).
 * @param {number | string | null} [options.throttle] Initial bandwidth limit
 *   of the whole site (see `parseRate`; default none).
 * @param {boolean | ((line: string) => void)} [options.log] Print a line per
 *   download-worth request (Range requests, cut connections, errors, large
 *   bodies); a function receives the lines.
 * @returns {Promise<ExampleServer>}
 *
 * @typedef {object} ExampleServer
 * @property {string} origin `http://127.0.0.1:PORT` of the site.
 * @property {string} controlOrigin `http://127.0.0.1:PORT` of the control server.
 * @property {object} testServer The packages/test-utils server (for tests).
 * @property {() => object} state `{throttle, offline}`.
 * @property {(rate: number | string | null) => void} setThrottle
 * @property {(offline: boolean) => void} setOffline
 * @property {() => void} dropConnections Destroys every open socket once.
 * @property {() => Promise<void>} close
 */
export async function startExampleServer(options) {
  const {startTestServer} = await loadTestServer();
  const siteDir = resolve(options.siteDir);
  const name = options.name ?? 'example';

  let testServer;
  const wanted = options.port ?? 8080;
  try {
    testServer = await startTestServer({port: wanted});
  } catch (error) {
    if (options.port !== undefined || error.code !== 'EADDRINUSE') throw error;
    testServer = await startTestServer({port: 0});
  }

  let throttle = parseRate(options.throttle);
  let offline = false;
  testServer.throttle(throttle);

  const control = http.createServer((req, res) => handleControl(req, res));
  let controlPort;
  const wantedControl = options.controlPort ?? testServer.port + 1;
  try {
    controlPort = await listen(control, wantedControl);
  } catch (error) {
    if (options.controlPort !== undefined || error.code !== 'EADDRINUSE') {
      await testServer.close();
      throw error;
    }
    controlPort = await listen(control, 0);
  }
  const controlOrigin = `http://127.0.0.1:${controlPort}`;

  // The request log is the test server's array: keep it bounded.
  let dropped = 0;
  let printed = 0;
  const printer =
    typeof options.log === 'function'
      ? options.log
      : options.log
        ? (line) => console.log(line)
        : null;
  const housekeeping = setInterval(() => {
    const log = testServer.requests;
    if (printer) {
      // Print finished requests worth seeing, in order.
      while (printed - dropped < log.length) {
        const entry = log[printed - dropped];
        if (!entry.endedAt) break;
        printed += 1;
        if (entry.path.startsWith('/__example/')) continue;
        const worth =
          entry.range || !entry.completed || entry.status >= 400 || entry.bytesSent >= 1e6;
        if (!worth) continue;
        const parts = [
          `  ${entry.method} ${entry.path}`,
          entry.range ? `Range ${entry.range}` : '',
          entry.status ? String(entry.status) : 'no response',
          formatBytes(entry.bytesSent),
          entry.completed ? '' : 'CUT',
        ];
        printer(parts.filter(Boolean).join('  '));
      }
    }
    const extra = log.length - LOG_LIMIT;
    if (extra > 0) {
      log.splice(0, extra);
      dropped += extra;
      printed = Math.max(printed, dropped);
    }
  }, 250);
  housekeeping.unref();

  function state() {
    return {
      name,
      site: testServer.origin,
      control: controlOrigin,
      throttle,
      throttleText: formatRate(throttle),
      offline,
      refusedConnections: testServer.refusedConnections,
    };
  }

  function setThrottle(rate) {
    throttle = parseRate(rate);
    testServer.throttle(throttle);
  }

  function setOffline(value) {
    offline = Boolean(value);
    testServer.setOffline(offline);
  }

  function recentRequests(limit, prefix) {
    const log = testServer.requests;
    const out = [];
    for (let i = log.length - 1; i >= 0 && out.length < limit; i--) {
      const e = log[i];
      if (e.path.startsWith('/__example/')) continue;
      if (prefix && !e.path.startsWith(prefix)) continue;
      out.push({
        seq: dropped + i,
        method: e.method,
        path: e.path,
        range: e.range ?? null,
        ifRange: e.ifRange ?? null,
        status: e.status,
        bytesSent: e.bytesSent,
        completed: e.completed,
        open: !e.endedAt,
        startedAt: e.startedAt,
        endedAt: e.endedAt,
      });
    }
    return out;
  }

  function handleControl(req, res) {
    const url = new URL(req.url ?? '/', controlOrigin);
    const send = (status, body, type = 'application/json; charset=utf-8') => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
      });
      res.end(text);
    };
    try {
      if (req.method === 'OPTIONS') return send(204, '');
      switch (url.pathname) {
        case '/':
          return send(200, controlPanelHtml(state()), 'text/html; charset=utf-8');
        case '/control-bar.js':
          return send(200, readFileSync(CONTROL_BAR, 'utf8'), 'text/javascript; charset=utf-8');
        case '/state':
          return send(200, state());
        case '/set': {
          if (url.searchParams.has('throttle')) setThrottle(url.searchParams.get('throttle'));
          if (url.searchParams.has('offline')) {
            const v = url.searchParams.get('offline');
            setOffline(v === '1' || v === 'true' || v === 'on');
          }
          return send(200, state());
        }
        case '/drop':
          testServer.dropConnections();
          return send(200, state());
        case '/log': {
          const limit = Math.min(200, Number(url.searchParams.get('limit') ?? 12) || 12);
          return send(200, {
            ...state(),
            requests: recentRequests(limit, url.searchParams.get('prefix') ?? ''),
          });
        }
        default:
          return send(404, {error: `no control endpoint ${url.pathname}`});
      }
    } catch (error) {
      return send(400, {error: String(error.message ?? error)});
    }
  }

  // The pages find the control server here (and remember it for when the
  // site is offline and they were loaded from the service worker's cache).
  testServer.route('/__example/config.json', (_req, res) => {
    const body = JSON.stringify(state());
    res.writeHead(200, {'Content-Type': 'application/json; charset=utf-8'});
    res.end(body);
  });
  testServer.serveDir('/', siteDir);

  return {
    origin: testServer.origin,
    controlOrigin,
    testServer,
    state,
    setThrottle,
    setOffline,
    dropConnections: () => testServer.dropConnections(),
    async close() {
      clearInterval(housekeeping);
      await new Promise((done) => {
        control.close(() => done());
        control.closeAllConnections?.();
      });
      await testServer.close();
    },
  };
}

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"]/g,
    (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c],
  );
}

/** The control server's own page: the same control bar, full size. */
function controlPanelHtml(s) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connection controls — ${escapeHtml(s.name)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; color: #1d2330; }
  a { color: #3b5bdb; }
</style>
</head>
<body>
<h1>Connection controls</h1>
<p>For the <strong>${escapeHtml(s.name)}</strong> example at <a href="${escapeHtml(s.site)}/">${escapeHtml(s.site)}/</a>.
This page lives on its own port, so it still works while the site is cut off.</p>
<example-controls control="${escapeHtml(s.control)}" expanded all></example-controls>
<script src="/control-bar.js"></script>
</body>
</html>`;
}
