/**
 * {@link startNginx}: Debian's nginx on 127.0.0.1, serving files from a
 * temporary folder the way a CDN or a plain static host does (its own
 * Range, If-Range, ETag and gzip handling, not the test server's), with
 * CORS headers for pages of another origin, an access log the tests read,
 * and a restart that cuts the connections open.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {promises as fsp} from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {requireBinary} from './browsers/binaries';

/** Debian's nginx (package `nginx-light`, installed by `scripts/install-browsers.sh`). */
export const NGINX = '/usr/sbin/nginx';

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /**
   * Content-Types nginx gzips (`gzip on; gzip_types …`): a request that
   * accepts gzip, with or without `Range`, then gets a chunked, gzip-encoded
   * 200 with a weak ETag, as nginx answers. Default none.
   */
  gzipTypes?: string[];
  /**
   * Bytes per second of each response under `/slow/` and `/one/`
   * (`limit_rate`); under `/one/`, one connection per client at a time
   * (`limit_conn`: a second one is answered 503). Default 1 MiB/s.
   */
  slowRate?: number;
  /**
   * Send `Access-Control-Expose-Headers` (Content-Range, Content-Length,
   * ETag, Last-Modified, Accept-Ranges). `false`: other origins read only
   * the CORS-safelisted headers, as a CDN set up without it. Default true.
   */
  exposeHeaders?: boolean;
}

/** One line of the access log: a request nginx finished (answered, or cut). */
export interface NginxLogEntry {
  method: string;
  /** The path asked, without the query string. */
  path: string;
  /** The `Range` request header, or `undefined`. */
  range?: string;
  /** The `If-Range` request header, or `undefined`. */
  ifRange?: string;
  status: number;
  /** Body bytes sent. */
  bytesSent: number;
  /** True when the whole response was sent (`$request_completion`). */
  completed: boolean;
  /** The `Content-Encoding` nginx answered with, or `undefined`. */
  contentEncoding?: string;
}

/** A running nginx (see {@link startNginx}). */
export interface Nginx {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The absolute URL of `p`. */
  url(p: string): string;
  /**
   * Writes `body` at `p` (a new file replaces the old one, as an upload
   * does: nginx's `ETag` is its modification time and size, so
   * `modifiedAt` should differ from the old one's for a new version).
   */
  addFile(p: string, body: Buffer, modifiedAt?: Date): Promise<void>;
  /** The requests nginx finished so far, in order. */
  requests(): Promise<NginxLogEntry[]>;
  /** Fast shutdown (every open connection cut), then nginx again on the same port. */
  restart(): Promise<void>;
  /** Stops nginx and deletes its folder. */
  close(): Promise<void>;
}

const LOG_FORMAT =
  '$request_method\\t$uri\\t$http_range\\t$http_if_range\\t$status\\t$body_bytes_sent\\t$request_completion\\t$sent_http_content_encoding';

function config(dir: string, port: number, options: NginxOptions): string {
  const gzip = options.gzipTypes?.length
    ? `gzip on; gzip_types ${options.gzipTypes.join(' ')};`
    : 'gzip off;';
  const temp = path.join(dir, 'temp');
  const expose =
    options.exposeHeaders === false
      ? ''
      : 'add_header Access-Control-Expose-Headers "Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges" always;';
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format wbf '${LOG_FORMAT}';
  access_log ${dir}/access.log wbf;
  client_body_temp_path ${temp}; proxy_temp_path ${temp}; fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp}; scgi_temp_path ${temp};
  types {
    application/octet-stream bin;
    application/json json;
    audio/mpeg mp3;
    video/mp4 mp4;
  }
  default_type application/octet-stream;
  ${gzip}
  limit_conn_zone $binary_remote_addr zone=perclient:1m;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    add_header Access-Control-Allow-Origin * always;
    ${expose}
    location /slow/ { limit_rate ${options.slowRate ?? 1024 * 1024}; }
    location /one/ { limit_conn perclient 1; limit_rate ${options.slowRate ?? 1024 * 1024}; }
  }
}
`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function parseLine(line: string): NginxLogEntry {
  const [method, uri, range, ifRange, status, bytes, completion, encoding] = line.split('\t');
  const value = (v: string) => (v === '-' || v === '' ? undefined : v);
  return {
    method,
    path: uri,
    range: value(range),
    ifRange: value(ifRange),
    status: Number(status),
    bytesSent: Number(bytes),
    completed: completion === 'OK',
    contentEncoding: value(encoding),
  };
}

/**
 * Starts Debian's nginx on a free port of 127.0.0.1 (see the module
 * comment); rejects, with nginx's own error log, when it does not listen
 * within 10 s.
 */
export async function startNginx(options: NginxOptions = {}): Promise<Nginx> {
  requireBinary(NGINX, 'nginx');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'wbf-nginx-'));
  // Readable by nginx's workers, which run as another user when the tests run as root.
  await fsp.chmod(dir, 0o755);
  await fsp.mkdir(path.join(dir, 'www'));
  await fsp.mkdir(path.join(dir, 'temp'));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  await fsp.writeFile(conf, config(dir, port, options));
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const started = spawn(NGINX, ['-c', conf, '-p', dir, '-e', path.join(dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    started.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child = started;
    for (const deadline = Date.now() + 10_000; !(await connects(port)); ) {
      if (started.exitCode !== null || Date.now() > deadline) {
        const log = await fsp.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
        started.kill('SIGKILL');
        throw new Error(
          `nginx did not listen on 127.0.0.1:${port} (exit code ${started.exitCode}): ${stderr}${log}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // SIGTERM: nginx's fast shutdown, which closes the connections open.
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (p) => origin + p,
    async addFile(p, body, modifiedAt) {
      const file = path.join(dir, 'www', p);
      await fsp.mkdir(path.dirname(file), {recursive: true, mode: 0o755});
      const temp = `${file}.${process.pid}.tmp`;
      await fsp.writeFile(temp, body);
      if (modifiedAt) {
        await fsp.utimes(temp, modifiedAt, modifiedAt);
      }
      await fsp.rename(temp, file);
    },
    async requests() {
      const log = await fsp.readFile(path.join(dir, 'access.log'), 'utf8').catch(() => '');
      return log
        .split('\n')
        .filter((line) => line !== '')
        .map(parseLine);
    },
    async restart() {
      await stop();
      await launch();
    },
    async close() {
      await stop();
      await fsp.rm(dir, {recursive: true, force: true});
    },
  };
}
