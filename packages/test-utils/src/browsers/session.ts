/** The engine names, the launch options and the session interface every engine implements. */
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
