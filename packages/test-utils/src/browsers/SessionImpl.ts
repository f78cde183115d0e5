/**
 * What every engine session shares: launch serialization, `evaluate` /
 * `waitFor`, process tracking, kill / relaunch / close and the profile
 * directory. Each engine subclass supplies launch, close and raw evaluation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {toPageError, type WrappedResult, wrapScript} from './pageScript';
import {alive, killTreesSync, processTree, sleep, waitDead} from './processes';
import type {
  EngineName,
  EngineSessionBase,
  JSONable,
  LaunchOptions,
  PageFunction,
  StopWorkersOptions,
  WaitForOptions,
} from './session';

/** Root pids of every live session, for the exit hook. */
export const liveRoots = new Set<number>();
/** Every session launched and not yet closed, for {@link closeAllEngines} and the exit hook. */
export const liveSessions = new Set<SessionImpl>();
let exitHookInstalled = false;

/** Once per process: on `exit`, SIGKILLs every live process tree and removes the profiles sessions made. */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killTreesSync([...liveRoots]);
    for (const s of liveSessions) s.removeOwnedProfileSync();
  });
}

let launchLock: Promise<unknown> = Promise.resolve();
/** Launches run one at a time (new child processes are attributed by diffing). */
export function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = launchLock.then(fn, fn);
  launchLock = run.catch(() => undefined);
  return run;
}

/** The base of every engine's session: see the module comment. */
export abstract class SessionImpl implements EngineSessionBase {
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
