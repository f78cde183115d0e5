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
export {BINARIES} from './binaries';
export {CHROMIUM_ARGS, mergeChromiumFeatureArgs} from './chromiumArgs';
export {closeAllEngines, launchEngine} from './launchEngine';
export type {PageError} from './pageScript';
export {
  type ChromiumSession,
  ENGINE_NAMES,
  type EngineName,
  type EngineSession,
  type EngineSessionBase,
  type FirefoxSession,
  type JSONable,
  type LaunchOptions,
  type PageFunction,
  type StopWorkersOptions,
  type WaitForOptions,
  type WebKitSession,
} from './session';
