/*
  For the examples' browser tests: runs an example exactly as a visitor
  does (`node examples/<name>/serve.mjs`), on free ports, and drives its
  control server over HTTP.
*/
import {spawn, type ChildProcess} from 'node:child_process';
import {join} from 'node:path';

const examplesDir = join(__dirname, '..');

/** One request of the site's log, as the control server reports it. */
export interface LoggedRequest {
  method: string;
  path: string;
  range: string | null;
  ifRange: string | null;
  status: number;
  bytesSent: number;
  completed: boolean;
  open: boolean;
}

/** A running example. */
export interface RunningExample {
  /** `http://127.0.0.1:PORT/` of the site. */
  url: string;
  /** `http://127.0.0.1:PORT` of the site (no trailing slash). */
  origin: string;
  /** `http://127.0.0.1:PORT/` of the control server. */
  control: string;
  /** Directory the site is served from (`examples/<name>/build/site`). */
  siteDir: string;
  /** Everything the server printed. */
  output(): string;
  /** Throttles (`'2MB'`, `'off'`) and/or cuts the site (`offline: true`). */
  set(settings: {throttle?: string; offline?: boolean}): Promise<void>;
  /** Destroys the open connections once. */
  drop(): Promise<void>;
  /** The site's last requests (newest first), optionally for one path prefix. */
  requests(prefix?: string, limit?: number): Promise<LoggedRequest[]>;
  /** Connections the site refused while offline, since it started (proof that a browser tried). */
  refusedConnections(): Promise<number>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Starts `examples/<name>/serve.mjs` with `--port 0 --control-port 0 --quiet`
 * plus `args`, and resolves once it printed its URLs (the first start
 * generates media: allow a minute).
 */
export async function startExample(name: string, args: string[] = []): Promise<RunningExample> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(examplesDir, name, 'serve.mjs'),
      '--port',
      '0',
      '--control-port',
      '0',
      '--quiet',
      ...args,
    ],
    {stdio: ['ignore', 'pipe', 'pipe']},
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const urls = await new Promise<{url: string; control: string}>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`examples/${name}/serve.mjs printed no URL within 120 s:\n${output}`));
    }, 120_000);
    const check = () => {
      const url = /^\s*open\s+(http\S+)/m.exec(output)?.[1];
      const control = /^\s*controls\s+(http\S+)/m.exec(output)?.[1];
      if (url && control) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({url, control});
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/${name}/serve.mjs exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');

  const call = async (path: string) => {
    const res = await fetch(urls.control + path.replace(/^\//, ''), {method: 'POST'});
    if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  return {
    url: urls.url,
    origin: urls.url.replace(/\/$/, ''),
    control: urls.control,
    siteDir: join(examplesDir, name, 'build', 'site'),
    output: () => output,
    async set({throttle, offline}) {
      const query = new URLSearchParams();
      if (throttle !== undefined) query.set('throttle', throttle);
      if (offline !== undefined) query.set('offline', offline ? '1' : '0');
      await call(`/set?${query}`);
    },
    async drop() {
      await call('/drop');
    },
    async requests(prefix = '', limit = 200) {
      const query = new URLSearchParams({prefix, limit: String(limit)});
      return (await call(`/log?${query}`)).requests as LoggedRequest[];
    },
    async refusedConnections() {
      return (await call('/log?limit=1')).refusedConnections as number;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
