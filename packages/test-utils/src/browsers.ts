/**
 * One driver over Debian's three browser engines, so the same test runs on
 * each:
 *
 * | name                  | browser                         | automation                                  |
 * |-----------------------|---------------------------------|---------------------------------------------|
 * | `chromium`            | /usr/bin/chromium, incognito-like `browser.newContext()` | playwright-core (CDP)  |
 * | `chromium-persistent` | /usr/bin/chromium, `launchPersistentContext(dir)`        | playwright-core (CDP)  |
 * | `firefox`             | /usr/bin/firefox-esr            | puppeteer-core over WebDriver BiDi          |
 * | `webkit`              | WebKitGTK MiniBrowser under Xvfb | selenium-webdriver + /usr/bin/WebKitWebDriver |
 *
 * Launch times measured on the 2-core Debian 12 machine (Chromium 156,
 * Firefox ESR 153, WebKitGTK 2.50; from the `launchEngine()` call to a blank
 * page ready, see {@link EngineSessionBase.launchMs}):
 * - `chromium`: 1.4–1.6 s for the first launch in a process (includes loading
 *   playwright-core), ~1.0 s after that; 2.5 s with a cold disk cache;
 * - `chromium-persistent`: 0.7–1.0 s on a fresh profile; relaunch on the same
 *   profile after a SIGKILL 0.6–0.7 s;
 * - `firefox`: ~4.0 s on a fresh profile (9.6 s with a cold disk cache);
 *   relaunch on the same profile ~3.7 s;
 * - `webkit`: 1.2–1.6 s including Xvfb and WebKitWebDriver (3.5 s cold).
 * Graceful `close()`: Chromium ~0.3 s, Firefox ~1.8 s, WebKit ~0.3 s.
 *
 * Every launched process tree is recorded; {@link closeAllEngines} (call it in
 * `afterAll`) and a process `exit` hook SIGKILL whatever is left, so a failing
 * test never leaks a browser.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type {
  Browser as PwBrowser,
  BrowserContext as PwContext,
  CDPSession,
  Page as PwPage,
} from 'playwright-core';
import type {Browser as PptrBrowser, Page as PptrPage} from 'puppeteer-core';
import type {WebDriver} from 'selenium-webdriver';

/** The engines {@link launchEngine} knows. */
export type EngineName = 'chromium' | 'chromium-persistent' | 'firefox' | 'webkit';

/** Every engine name, in a stable order (handy for `describe.each`). */
export const ENGINE_NAMES: readonly EngineName[] = [
  'chromium',
  'chromium-persistent',
  'firefox',
  'webkit',
];

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JSONable =
  | string
  | number
  | boolean
  | null
  | JSONable[]
  | {[key: string]: JSONable | undefined};

/** Where the binaries are expected (Debian packages). */
export const BINARIES = {
  chromium: '/usr/bin/chromium',
  firefox: '/usr/bin/firefox-esr',
  webkitDriver: '/usr/bin/WebKitWebDriver',
  miniBrowser: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  xvfb: '/usr/bin/Xvfb',
} as const;

/** Arguments every Chromium is started with (BROWSER-FACTS §2). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options of {@link launchEngine}. */
export interface LaunchOptions {
  /**
   * Profile directory. Used by `chromium-persistent` and `firefox` (kept on
   * close when given; a temp dir under `os.tmpdir()` removed on close
   * otherwise). `webkit` uses it as XDG data/cache/config home. Ignored by
   * `chromium` (incognito-like context).
   */
  userDataDir?: string;
  /** Extra browser command-line arguments (WebKit: MiniBrowser args, e.g. `--features=+BackgroundFetchAPI`). */
  args?: string[];
  /** Firefox prefs (merged over the defaults). Ignored by the other engines. */
  prefs?: Record<string, unknown>;
  /** Grant the `notifications` permission to this origin (not possible on WebKit: ignored there). */
  grantNotificationsFor?: string;
  /**
   * Firefox only: launch with `dom.serviceWorkers.idle_timeout=1000` and
   * `dom.serviceWorkers.idle_extended_timeout=2000`, so idle workers stop
   * within ~3 s. Required by {@link EngineSession.stopServiceWorkers} on
   * Firefox. Note that workers busy in `waitUntil` are killed after ~3 s too.
   */
  shortWorkerLifetime?: boolean;
  /** Run headful (Chromium/Firefox; needs a display). Default false. WebKit always runs under its own Xvfb. */
  headful?: boolean;
}

/** Options of {@link EngineSession.waitFor}. */
export interface WaitForOptions {
  /** Give up after this many ms (default 30 000). */
  timeout?: number;
  /** Poll every this many ms (default 100). */
  interval?: number;
  /** Arguments passed to the polled function. */
  args?: JSONable[];
}

/** Options of {@link EngineSession.stopServiceWorkers}. */
export interface StopWorkersOptions {
  /**
   * Firefox/WebKit navigate to about:blank to let the worker go idle; when
   * true (default) they navigate back to the page they were on afterwards
   * (the page is reloaded). Chromium never navigates.
   */
  returnToPage?: boolean;
}

/** A function (or its source) run in the page by {@link EngineSessionBase.evaluate}. */
export type PageFunction = string | ((...args: never[]) => unknown);

/** What every engine session offers. */
export interface EngineSessionBase {
  /** The engine. */
  readonly name: EngineName;
  /** The profile directory in use (Chromium incognito: undefined). */
  readonly userDataDir: string | undefined;
  /** Milliseconds the last launch (or relaunch) took. */
  readonly launchMs: number;
  /**
   * Console messages, each `"[page] log: text"` or `"[sw] warn: text"`.
   * Chromium: page and service workers (playwright events). Firefox: page
   * only (puppeteer over BiDi does not surface worker realms). WebKit: page
   * only, collected by a console hook installed after each `goto()` and
   * drained on each `evaluate()` (messages logged while a page loads are lost).
   */
  readonly consoleLog: string[];
  /** Navigates the page and waits for `load`. */
  goto(url: string): Promise<void>;
  /** The page's current URL. */
  currentUrl(): Promise<string>;
  /**
   * Runs `fn` in the page and resolves with its JSON result.
   *
   * `fn` is a function (its source is sent, so it must not close over Node
   * variables) or a string of JavaScript source: a function expression, which
   * is called with `args`, or any other expression, whose value is used.
   * Promises are awaited. The value crosses as JSON on every engine
   * (`undefined` stays `undefined`). A throw or a rejection in the page
   * rejects here with an Error whose `name` and `message` are the page's
   * (built-in names such as `TypeError` get that constructor) and whose
   * `pageStack` is the page's stack.
   *
   * Do not run browser tests with `--coverage`: instrumented functions
   * reference Node-only counters.
   */
  evaluate<T = unknown>(fn: PageFunction, ...args: JSONable[]): Promise<T>;
  /** Polls `fn` in the page until it returns a truthy value, and resolves with that value. */
  waitFor<T = unknown>(fn: PageFunction, opts?: WaitForOptions): Promise<T>;
  /**
   * Stops the running service workers of the browser.
   * - Chromium: CDP `ServiceWorker.enable` + `ServiceWorker.stopAllWorkers`
   *   (immediate, even mid-event; the page stays where it is).
   * - Firefox: needs `shortWorkerLifetime: true` at launch (throws
   *   otherwise); navigates to about:blank and waits 4 s, which the 1 s idle
   *   + 2 s extended timeouts turn into a stopped worker.
   * - WebKit: navigates to about:blank (a worker stops only when no page
   *   uses it) and waits 12 s: measured, a client-less worker was still
   *   running after 6 s and always gone after 10 s.
   */
  stopServiceWorkers(opts?: StopWorkersOptions): Promise<void>;
  /** Pids of every live process of this session (browser tree; WebKit: driver, browser and Xvfb). */
  processIds(): number[];
  /**
   * Memory of {@link EngineSessionBase.processIds}, summed from /proc:
   * `rss` (counts shared pages once per process) and `pss` (proportional
   * share; the better number for "memory rise" measurements).
   */
  memoryUsage(): {rss: number; pss: number};
  /** SIGKILLs the whole browser process tree (the profile stays, for {@link EngineSessionBase.relaunch}). */
  kill(): Promise<void>;
  /**
   * Starts the browser again on the same profile (closing it gracefully
   * first if it is still running). `chromium-persistent` and `firefox` only;
   * `chromium` and `webkit` throw.
   */
  relaunch(): Promise<void>;
  /** Closes the browser gracefully (SIGKILL after 15 s) and removes a temp profile. */
  close(): Promise<void>;
}

/** A Chromium session (playwright-core). */
export interface ChromiumSession extends EngineSessionBase {
  readonly name: 'chromium' | 'chromium-persistent';
  /** The playwright BrowserContext (changes on relaunch). */
  readonly context: PwContext;
  /** The playwright Page. */
  readonly page: PwPage;
  /** The playwright Browser (`chromium` only; null for the persistent context). */
  readonly browser: PwBrowser | null;
  /** A CDP session attached to the page (cached until relaunch). */
  cdp(): Promise<CDPSession>;
}

/** A Firefox session (puppeteer-core over WebDriver BiDi). */
export interface FirefoxSession extends EngineSessionBase {
  readonly name: 'firefox';
  /** The puppeteer Browser (changes on relaunch). */
  readonly browser: PptrBrowser;
  /** The puppeteer Page. */
  readonly page: PptrPage;
}

/** A WebKitGTK session (selenium-webdriver + WebKitWebDriver). */
export interface WebKitSession extends EngineSessionBase {
  readonly name: 'webkit';
  /** The selenium WebDriver. */
  readonly driver: WebDriver;
  /** The X display the browser runs on, e.g. `:99`. */
  readonly display: string;
}

/** Any engine session. */
export type EngineSession = ChromiumSession | FirefoxSession | WebKitSession;

// ---------------------------------------------------------------------------
// Process bookkeeping

function readPpid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function childrenOf(ppid: number): number[] {
  return allPids().filter((p) => readPpid(p) === ppid);
}

/** `pid` and all its descendants (from /proc). */
function processTree(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const p of allPids()) {
    const pp = readPpid(p);
    if (pp === undefined) continue;
    let list = byParent.get(pp);
    if (!list) {
      list = [];
      byParent.set(pp, list);
    }
    list.push(p);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILLs each root's process tree (and process group); synchronous. */
function killTreesSync(roots: number[]): void {
  for (let round = 0; round < 3; round++) {
    const pids = new Set<number>();
    for (const r of roots) for (const p of processTree(r)) pids.add(p);
    for (const p of pids) {
      if (!alive(p)) continue;
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    for (const r of roots) {
      try {
        process.kill(-r, 'SIGKILL');
      } catch {
        // Not a group leader, or gone.
      }
    }
    if (![...pids].some(alive)) break;
  }
}

async function waitDead(pids: number[], ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pids.some(alive)) return true;
    await sleep(50);
  }
  return !pids.some(alive);
}

/** Root pids of every live session, for the exit hook. */
const liveRoots = new Set<number>();
const liveSessions = new Set<SessionImpl>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killTreesSync([...liveRoots]);
    for (const s of liveSessions) s.removeOwnedProfileSync();
  });
}

let launchLock: Promise<unknown> = Promise.resolve();
/** Launches run one at a time (new child processes are attributed by diffing). */
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = launchLock.then(fn, fn);
  launchLock = run.catch(() => undefined);
  return run;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function requireBinary(file: string, what: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(
      `${what} not found at ${file}: run \`bash scripts/install-browsers.sh\` ` +
        '(installs chromium, firefox-esr, webkit2gtk-driver, libwebkit2gtk-4.1-0, xvfb, xauth).',
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------
// Page-side script

const CONSOLE_HOOK = `(() => {
  if (window.__tuConsole) return;
  const buf = (window.__tuConsole = []);
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const orig = console[level];
    console[level] = function (...a) {
      try {
        if (buf.length < 5000) buf.push(level + ': ' + a.map((x) => {
          if (typeof x === 'string') return x;
          try { return JSON.stringify(x); } catch { return String(x); }
        }).join(' '));
      } catch {}
      return orig.apply(this, a);
    };
  }
})()`;

/** Builds an expression that evaluates to a Promise of `{ok, json}` / `{ok:false, name, message, stack}`. */
function wrapScript(fn: PageFunction, args: JSONable[], drainConsole: boolean): string {
  const src = typeof fn === 'function' ? fn.toString() : fn;
  return `(async () => {
  const __tuDrain = () => ${drainConsole ? '(window.__tuConsole ? window.__tuConsole.splice(0) : [])' : '[]'};
  try {
    const __tuF = (
${src}
    );
    const __tuArgs = ${JSON.stringify(args)};
    const __tuV = await (typeof __tuF === 'function' ? __tuF(...__tuArgs) : __tuF);
    return {ok: true, json: __tuV === undefined ? null : JSON.stringify(__tuV), undef: __tuV === undefined, console: __tuDrain()};
  } catch (e) {
    return {
      ok: false,
      name: (e && e.name) || 'Error',
      message: e && e.message !== undefined ? String(e.message) : String(e),
      stack: (e && e.stack) ? String(e.stack) : '',
      console: __tuDrain(),
    };
  }
})()`;
}

interface WrappedResult {
  ok: boolean;
  json?: string | null;
  undef?: boolean;
  name?: string;
  message?: string;
  stack?: string;
  console?: string[];
}

const BUILTIN_ERRORS: Record<string, new (m: string) => Error> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** An error thrown in the page, re-created in Node. */
export interface PageError extends Error {
  /** The page-side stack trace. */
  pageStack: string;
  /** The engine it came from. */
  engine: EngineName;
}

function toPageError(r: WrappedResult, engine: EngineName): PageError {
  const name = r.name ?? 'Error';
  const Ctor = BUILTIN_ERRORS[name] ?? Error;
  const err = new Ctor(r.message ?? '') as PageError;
  err.name = name;
  err.pageStack = r.stack ?? '';
  err.engine = engine;
  return err;
}

// ---------------------------------------------------------------------------
// Sessions

abstract class SessionImpl implements EngineSessionBase {
  readonly consoleLog: string[] = [];
  launchMs = 0;
  /** Root pids of this session's processes (browser or driver, Xvfb). */
  protected roots: number[] = [];
  protected closed = false;
  protected running = false;
  userDataDir: string | undefined;
  protected ownsProfile = false;

  constructor(
    readonly name: EngineName,
    protected readonly opts: LaunchOptions,
  ) {}

  protected abstract doLaunch(): Promise<void>;
  protected abstract doClose(): Promise<void>;
  protected abstract rawEvaluate(script: string): Promise<WrappedResult>;
  abstract goto(url: string): Promise<void>;
  abstract currentUrl(): Promise<string>;
  abstract stopServiceWorkers(opts?: StopWorkersOptions): Promise<void>;

  protected track(pids: number[]): void {
    for (const p of pids) {
      this.roots.push(p);
      liveRoots.add(p);
    }
  }

  protected untrack(): void {
    for (const p of this.roots) liveRoots.delete(p);
    this.roots = [];
  }

  async launch(): Promise<void> {
    installExitHook();
    liveSessions.add(this);
    const t0 = performance.now();
    try {
      await serialized(() => this.doLaunch());
    } catch (e) {
      killTreesSync(this.roots);
      this.untrack();
      throw e;
    }
    this.running = true;
    this.launchMs = Math.round(performance.now() - t0);
  }

  protected assertRunning(): void {
    if (this.closed) throw new Error(`${this.name}: session is closed`);
    if (!this.running) throw new Error(`${this.name}: browser is not running (killed?)`);
  }

  async evaluate<T = unknown>(fn: PageFunction, ...args: JSONable[]): Promise<T> {
    this.assertRunning();
    const script = wrapScript(fn, args, this.name === 'webkit');
    try {
      // Same SyntaxError on every engine (each driver words it differently).
      new Function(`return ${script}`);
    } catch (e) {
      throw new SyntaxError(`evaluate: ${(e as Error).message}`);
    }
    const r = await this.rawEvaluate(script);
    if (r.console) for (const line of r.console) this.consoleLog.push(`[page] ${line}`);
    if (!r.ok) throw toPageError(r, this.name);
    if (r.undef || r.json === null || r.json === undefined) return undefined as T;
    return JSON.parse(r.json) as T;
  }

  async waitFor<T = unknown>(fn: PageFunction, opts: WaitForOptions = {}): Promise<T> {
    const timeout = opts.timeout ?? 30_000;
    const interval = opts.interval ?? 100;
    const end = Date.now() + timeout;
    let last: unknown;
    let lastErr: unknown;
    for (;;) {
      try {
        last = await this.evaluate<T>(fn, ...(opts.args ?? []));
        lastErr = undefined;
        if (last) return last as T;
      } catch (e) {
        lastErr = e;
        if (!this.running || this.closed) throw e;
      }
      if (Date.now() >= end) break;
      await sleep(interval);
    }
    const detail =
      lastErr !== undefined
        ? `last error: ${lastErr instanceof Error ? `${lastErr.name}: ${lastErr.message}` : String(lastErr)}`
        : `last value: ${JSON.stringify(last)}`;
    throw new Error(`${this.name}: waitFor timed out after ${timeout} ms (${detail})`);
  }

  processIds(): number[] {
    const set = new Set<number>();
    for (const r of this.roots) for (const p of processTree(r)) if (alive(p)) set.add(p);
    return [...set];
  }

  memoryUsage(): {rss: number; pss: number} {
    let rss = 0;
    let pss = 0;
    for (const p of this.processIds()) {
      try {
        const txt = fs.readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
        rss += Number(/^Rss:\s+(\d+)/m.exec(txt)?.[1] ?? 0) * 1024;
        pss += Number(/^Pss:\s+(\d+)/m.exec(txt)?.[1] ?? 0) * 1024;
      } catch {
        // Exited meanwhile.
      }
    }
    return {rss, pss};
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const pids = this.roots.flatMap((r) => processTree(r));
    killTreesSync(this.roots);
    await waitDead(pids, 5000);
    this.untrack();
    await this.afterKill();
  }

  /** Drops driver objects after a SIGKILL. */
  protected async afterKill(): Promise<void> {}

  async relaunch(): Promise<void> {
    if (this.name !== 'chromium-persistent' && this.name !== 'firefox') {
      throw new Error(
        this.name === 'webkit'
          ? 'webkit: relaunch is not supported: WebKitGTK automation sessions use ephemeral storage, nothing survives a browser restart'
          : 'chromium: relaunch is not supported: the incognito-like context keeps no profile; use chromium-persistent',
      );
    }
    if (this.closed) throw new Error(`${this.name}: session is closed`);
    if (this.running) await this.shutdown();
    await this.launch();
  }

  /** Graceful close of the browser only (profile kept). */
  protected async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const pids = this.roots.flatMap((r) => processTree(r));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.doClose(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('close timed out')), 15_000);
        }),
      ]);
    } catch {
      // Fall through to SIGKILL.
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!(await waitDead(pids, 5000))) killTreesSync(pids);
    killTreesSync(this.roots);
    this.untrack();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.shutdown();
    killTreesSync(this.roots);
    this.untrack();
    this.closed = true;
    liveSessions.delete(this);
    this.removeOwnedProfileSync();
  }

  /** Removes the profile directory when this session created it. */
  removeOwnedProfileSync(): void {
    if (this.ownsProfile && this.userDataDir) {
      try {
        fs.rmSync(this.userDataDir, {recursive: true, force: true, maxRetries: 3});
      } catch {
        // Best effort.
      }
    }
  }

  protected profileDir(prefix: string): string {
    if (!this.userDataDir) {
      if (this.opts.userDataDir) {
        this.userDataDir = this.opts.userDataDir;
        fs.mkdirSync(this.userDataDir, {recursive: true});
      } else {
        this.userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        this.ownsProfile = true;
      }
    }
    return this.userDataDir;
  }
}

const FEATURE_SWITCHES = [
  '--enable-features',
  '--disable-features',
  '--enable-blink-features',
  '--disable-blink-features',
];

let playwrightDefaults: Promise<string[]> | null = null;

/**
 * The arguments playwright-core itself passes to Chromium, read once by
 * "launching" a stub executable that records its argv and exits.
 */
function playwrightDefaultArgs(): Promise<string[]> {
  playwrightDefaults ??= (async () => {
    const {chromium} = await import('playwright-core');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tu-pwargs-'));
    const out = path.join(dir, 'args.txt');
    const stub = path.join(dir, 'chromium-stub');
    fs.writeFileSync(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}'\nexit 1\n`, {mode: 0o755});
    try {
      await chromium.launch({executablePath: stub, timeout: 10_000}).then((b) => b.close());
    } catch {
      // Expected: the stub exits at once.
    }
    try {
      return fs.readFileSync(out, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  })();
  return playwrightDefaults;
}

/**
 * Chromium uses only the last `--enable-features=` / `--disable-features=`
 * (and blink-features) switch, and playwright-core puts its own before the
 * caller's: a caller's switch would silently replace playwright's list, and
 * two caller switches would keep only the second. Merges them into one each
 * (playwright's values first), placed last.
 */
export function mergeChromiumFeatureArgs(defaults: string[], user: string[]): string[] {
  const rest: string[] = [];
  const merged = new Map<string, string[]>();
  for (const arg of user) {
    const sw = FEATURE_SWITCHES.find((f) => arg.startsWith(`${f}=`));
    if (!sw) {
      rest.push(arg);
      continue;
    }
    if (!merged.has(sw)) {
      const base = defaults
        .filter((d) => d.startsWith(`${sw}=`))
        .flatMap((d) => d.slice(sw.length + 1).split(','));
      merged.set(sw, base);
    }
    merged.get(sw)!.push(...arg.slice(sw.length + 1).split(','));
  }
  for (const [sw, values] of merged) {
    const uniq = [...new Set(values.filter(Boolean))];
    rest.push(`${sw}=${uniq.join(',')}`);
  }
  return rest;
}

class ChromiumImpl extends SessionImpl implements ChromiumSession {
  declare readonly name: 'chromium' | 'chromium-persistent';
  private _context: PwContext | null = null;
  private _page: PwPage | null = null;
  private _browser: PwBrowser | null = null;
  private _cdp: Promise<CDPSession> | null = null;

  get context(): PwContext {
    if (!this._context) throw new Error(`${this.name}: not running`);
    return this._context;
  }
  get page(): PwPage {
    if (!this._page) throw new Error(`${this.name}: not running`);
    return this._page;
  }
  get browser(): PwBrowser | null {
    return this._browser;
  }

  protected async doLaunch(): Promise<void> {
    requireBinary(BINARIES.chromium, 'Chromium');
    const {chromium} = await import('playwright-core');
    let args = [...CHROMIUM_ARGS, ...(this.opts.args ?? [])];
    if (args.some((a) => FEATURE_SWITCHES.some((f) => a.startsWith(`${f}=`)))) {
      args = mergeChromiumFeatureArgs(await playwrightDefaultArgs(), args);
    }
    const before = new Set(childrenOf(process.pid));
    const launchOpts = {
      executablePath: BINARIES.chromium,
      headless: !this.opts.headful,
      args,
      timeout: 60_000,
    };
    try {
      if (this.name === 'chromium-persistent') {
        const dir = this.profileDir('tu-chromium-');
        this._context = await chromium.launchPersistentContext(dir, launchOpts);
        this._browser = null;
        this._page = this._context.pages()[0] ?? (await this._context.newPage());
      } else {
        this._browser = await chromium.launch(launchOpts);
        this._context = await this._browser.newContext();
        this._page = await this._context.newPage();
      }
    } finally {
      this.track(childrenOf(process.pid).filter((p) => !before.has(p)));
    }
    this._cdp = null;
    const ctx = this._context;
    const log = this.consoleLog;
    ctx.on('console', (m) => {
      const where = m.page() ? 'page' : m.worker() ? 'sw' : 'other';
      log.push(`[${where}] ${m.type()}: ${m.text()}`);
    });
    if (this.opts.grantNotificationsFor) {
      await ctx.grantPermissions(['notifications'], {
        origin: this.opts.grantNotificationsFor,
      });
    }
  }

  cdp(): Promise<CDPSession> {
    this.assertRunning();
    if (!this._cdp) this._cdp = this.context.newCDPSession(this.page);
    return this._cdp;
  }

  protected async doClose(): Promise<void> {
    if (this._browser) await this._browser.close();
    else await this._context?.close();
    this.dropHandles();
  }

  protected override async afterKill(): Promise<void> {
    this.dropHandles();
  }

  private dropHandles(): void {
    this._context = null;
    this._page = null;
    this._browser = null;
    this._cdp = null;
  }

  protected async rawEvaluate(script: string): Promise<WrappedResult> {
    return (await this.page.evaluate(script)) as WrappedResult;
  }

  async goto(url: string): Promise<void> {
    this.assertRunning();
    await this.page.goto(url, {waitUntil: 'load', timeout: 60_000});
  }

  async currentUrl(): Promise<string> {
    this.assertRunning();
    return this.page.url();
  }

  async stopServiceWorkers(): Promise<void> {
    const cdp = await this.cdp();
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
  }
}

class FirefoxImpl extends SessionImpl implements FirefoxSession {
  declare readonly name: 'firefox';
  private _browser: PptrBrowser | null = null;
  private _page: PptrPage | null = null;

  get browser(): PptrBrowser {
    if (!this._browser) throw new Error('firefox: not running');
    return this._browser;
  }
  get page(): PptrPage {
    if (!this._page) throw new Error('firefox: not running');
    return this._page;
  }

  protected async doLaunch(): Promise<void> {
    requireBinary(BINARIES.firefox, 'Firefox ESR');
    const puppeteer = (await import('puppeteer-core')).default;
    const dir = this.profileDir('tu-firefox-');
    const prefs: Record<string, unknown> = {
      'alerts.useSystemBackend': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      ...(this.opts.shortWorkerLifetime
        ? {
            'dom.serviceWorkers.idle_timeout': 1000,
            'dom.serviceWorkers.idle_extended_timeout': 2000,
          }
        : {}),
      ...(this.opts.prefs ?? {}),
    };
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: BINARIES.firefox,
      headless: !this.opts.headful,
      userDataDir: dir,
      extraPrefsFirefox: prefs,
      args: this.opts.args ?? [],
      protocolTimeout: 600_000,
      timeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const pid = browser.process()?.pid;
    if (pid) this.track([pid]);
    this._browser = browser;
    this._page = (await browser.pages())[0] ?? (await browser.newPage());
    this._page.setDefaultNavigationTimeout(60_000);
    this._page.on('console', (m) => {
      this.consoleLog.push(`[page] ${m.type()}: ${m.text()}`);
    });
    if (this.opts.grantNotificationsFor) {
      await browser.defaultBrowserContext().setPermission(this.opts.grantNotificationsFor, {
        permission: {name: 'notifications'},
        state: 'granted',
      });
    }
  }

  protected async doClose(): Promise<void> {
    await this._browser?.close();
    this._browser = null;
    this._page = null;
  }

  protected override async afterKill(): Promise<void> {
    try {
      // Drops the dead connection; the process is gone already.
      await Promise.race([this._browser?.disconnect(), sleep(1000)]);
    } catch {
      // Ignore.
    }
    this._browser = null;
    this._page = null;
  }

  protected async rawEvaluate(script: string): Promise<WrappedResult> {
    return (await this.page.evaluate(script)) as WrappedResult;
  }

  async goto(url: string): Promise<void> {
    this.assertRunning();
    await this.page.goto(url, {waitUntil: 'load'});
  }

  async currentUrl(): Promise<string> {
    this.assertRunning();
    return this.page.url();
  }

  async stopServiceWorkers(opts: StopWorkersOptions = {}): Promise<void> {
    this.assertRunning();
    if (!this.opts.shortWorkerLifetime) {
      throw new Error(
        'firefox: stopServiceWorkers() needs launchEngine("firefox", {shortWorkerLifetime: true})',
      );
    }
    const back = await this.currentUrl();
    await this.goto('about:blank');
    await sleep(4000);
    if (opts.returnToPage !== false && back && back !== 'about:blank') {
      await this.goto(back);
    }
  }
}

class WebKitImpl extends SessionImpl implements WebKitSession {
  declare readonly name: 'webkit';
  private _driver: WebDriver | null = null;
  private xvfb: ChildProcess | null = null;
  private driverProc: ChildProcess | null = null;
  display = '';

  get driver(): WebDriver {
    if (!this._driver) throw new Error('webkit: not running');
    return this._driver;
  }

  private async startXvfb(): Promise<void> {
    requireBinary(BINARIES.xvfb, 'Xvfb');
    const proc = spawn(
      BINARIES.xvfb,
      ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp', '-noreset'],
      {stdio: ['ignore', 'ignore', 'pipe', 'pipe'], detached: true},
    );
    this.xvfb = proc;
    if (proc.pid) this.track([proc.pid]);
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const display = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`Xvfb did not start: ${stderr}`)), 15_000);
      proc.stdio[3]!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve(`:${out.trim()}`);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`Xvfb exited with ${code}: ${stderr}`));
      });
    });
    proc.removeAllListeners('exit');
    proc.unref();
    this.display = display;
  }

  protected async doLaunch(): Promise<void> {
    requireBinary(BINARIES.webkitDriver, 'WebKitWebDriver');
    requireBinary(BINARIES.miniBrowser, 'MiniBrowser (libwebkit2gtk-4.1-0)');
    const dir = this.profileDir('tu-webkit-');
    await this.startXvfb();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISPLAY: this.display,
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_RUNTIME_DIR: path.join(dir, 'runtime'),
      WAYLAND_DISPLAY: '',
      GDK_BACKEND: 'x11',
    };
    for (const d of ['data', 'cache', 'config', 'runtime']) {
      fs.mkdirSync(path.join(dir, d), {recursive: true, mode: 0o700});
    }
    const proc = spawn(BINARIES.webkitDriver, [`--port=${port}`], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.driverProc = proc;
    if (proc.pid) this.track([proc.pid]);
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    proc.unref();
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const res = await fetch(`${base}/status`);
        if (res.ok) break;
      } catch {
        // Not up yet.
      }
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`WebKitWebDriver did not start (exit ${proc.exitCode}): ${stderr}`);
      }
      await sleep(50);
    }
    const {Builder} = await import('selenium-webdriver');
    const caps = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: BINARIES.miniBrowser,
        args: ['--automation', ...(this.opts.args ?? [])],
      },
    };
    this._driver = await new Builder()
      .disableEnvironmentOverrides()
      .usingServer(base)
      .withCapabilities(caps)
      .build();
    await this._driver.manage().setTimeouts({script: 600_000, pageLoad: 60_000});
  }

  protected async doClose(): Promise<void> {
    try {
      await this._driver?.quit();
    } finally {
      this._driver = null;
      this.driverProc?.kill('SIGTERM');
      this.xvfb?.kill('SIGTERM');
      this.driverProc = null;
      this.xvfb = null;
    }
  }

  protected override async afterKill(): Promise<void> {
    this._driver = null;
    this.driverProc = null;
    this.xvfb = null;
  }

  protected async rawEvaluate(script: string): Promise<WrappedResult> {
    return (await this.driver.executeAsyncScript(
      `const __tuDone = arguments[arguments.length - 1];
(${script}).then(__tuDone, (e) => __tuDone({ok: false, name: 'Error', message: String(e)}));`,
    )) as WrappedResult;
  }

  async goto(url: string): Promise<void> {
    this.assertRunning();
    await this.driver.get(url);
    if (!url.startsWith('about:')) {
      try {
        await this.driver.executeScript(CONSOLE_HOOK);
      } catch {
        // Best effort.
      }
    }
  }

  async currentUrl(): Promise<string> {
    this.assertRunning();
    return this.driver.getCurrentUrl();
  }

  async stopServiceWorkers(opts: StopWorkersOptions = {}): Promise<void> {
    this.assertRunning();
    const back = await this.currentUrl();
    await this.goto('about:blank');
    await sleep(12_000);
    if (opts.returnToPage !== false && back && back !== 'about:blank') {
      await this.goto(back);
    }
  }
}

/**
 * Launches one engine with a blank page (see the module comment for the
 * engine table and measured launch times). Throws, telling to run
 * `bash scripts/install-browsers.sh`, when a binary is missing.
 */
export function launchEngine(
  name: 'chromium' | 'chromium-persistent',
  opts?: LaunchOptions,
): Promise<ChromiumSession>;
export function launchEngine(name: 'firefox', opts?: LaunchOptions): Promise<FirefoxSession>;
export function launchEngine(name: 'webkit', opts?: LaunchOptions): Promise<WebKitSession>;
export function launchEngine(name: EngineName, opts?: LaunchOptions): Promise<EngineSession>;
export async function launchEngine(
  name: EngineName,
  opts: LaunchOptions = {},
): Promise<EngineSession> {
  let s: ChromiumImpl | FirefoxImpl | WebKitImpl;
  switch (name) {
    case 'chromium':
    case 'chromium-persistent':
      s = new ChromiumImpl(name, opts);
      break;
    case 'firefox':
      s = new FirefoxImpl(name, opts);
      break;
    case 'webkit':
      s = new WebKitImpl(name, opts);
      break;
    default:
      throw new Error(`unknown engine ${String(name)}`);
  }
  try {
    await s.launch();
  } catch (e) {
    await s.close().catch(() => undefined);
    throw e;
  }
  return s;
}

/** Closes every session still open (call it in `afterAll`); kills what does not close. */
export async function closeAllEngines(): Promise<void> {
  const sessions = [...liveSessions];
  await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  killTreesSync([...liveRoots]);
  liveRoots.clear();
}
