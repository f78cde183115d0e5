/**
 * Test-only helpers for workbox-background-fetch:
 * - {@link startTestServer}: a real HTTP server on 127.0.0.1 with Range,
 *   validators, faults, throttling, offline simulation and a request log;
 * - {@link launchEngine}: one driver over Debian's Chromium (playwright-core),
 *   Firefox ESR (puppeteer-core, WebDriver BiDi) and WebKitGTK
 *   (selenium-webdriver + WebKitWebDriver under its own Xvfb).
 */
export {
  startTestServer,
  generateBytes,
  sha256,
  contentTypeFor,
  type TestServer,
  type AddFileOptions,
  type FaultSpec,
  type RequestLogEntry,
  type RouteHandler,
} from './server';
export {
  launchEngine,
  closeAllEngines,
  ENGINE_NAMES,
  BINARIES,
  CHROMIUM_ARGS,
  mergeChromiumFeatureArgs,
  type EngineName,
  type EngineSession,
  type EngineSessionBase,
  type ChromiumSession,
  type FirefoxSession,
  type WebKitSession,
  type LaunchOptions,
  type WaitForOptions,
  type StopWorkersOptions,
  type PageFunction,
  type PageError,
  type JSONable,
} from './browsers';
export {startNginx, NGINX, type Nginx, type NginxOptions, type NginxLogEntry} from './nginx';
export {storageInventory, storageChange, type StorageInventory} from './storageInventory';
