/** `webkit`: WebKitGTK's MiniBrowser under its own Xvfb, driven by selenium-webdriver + WebKitWebDriver. */
import {spawn, type ChildProcess} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {WebDriver} from 'selenium-webdriver';
import {BINARIES, requireBinary} from './binaries';
import {CONSOLE_HOOK, type WrappedResult} from './pageScript';
import {freePort, sleep} from './processes';
import {SessionImpl} from './SessionImpl';
import type {StopWorkersOptions, WebKitSession} from './session';
import {startXvfb} from './xvfb';

/** The {@link WebKitSession}. */
export class WebKitImpl extends SessionImpl implements WebKitSession {
  declare readonly name: 'webkit';
  private _driver: WebDriver | null = null;
  private xvfb: ChildProcess | null = null;
  private driverProc: ChildProcess | null = null;
  display = '';

  get driver(): WebDriver {
    if (!this._driver) throw new Error('webkit: not running');
    return this._driver;
  }

  protected async doLaunch(): Promise<void> {
    requireBinary(BINARIES.webkitDriver, 'WebKitWebDriver');
    requireBinary(BINARIES.miniBrowser, 'MiniBrowser (libwebkit2gtk-4.1-0)');
    const dir = this.profileDir('tu-webkit-');
    const xvfb = await startXvfb((pid) => this.track([pid]));
    this.xvfb = xvfb.proc;
    this.display = xvfb.display;
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
