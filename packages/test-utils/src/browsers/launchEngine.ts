/** {@link launchEngine} picks the engine's session class; {@link closeAllEngines} ends every session. */
import {ChromiumImpl} from './chromium';
import {FirefoxImpl} from './firefox';
import {killTreesSync} from './processes';
import {liveRoots, liveSessions} from './SessionImpl';
import type {
  ChromiumSession,
  EngineName,
  EngineSession,
  FirefoxSession,
  LaunchOptions,
  WebKitSession,
} from './session';
import {WebKitImpl} from './webkit';

/**
 * Launches one engine with a blank page (see `index.ts` for the
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
