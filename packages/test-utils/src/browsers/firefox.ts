/** `firefox`: Firefox ESR driven by puppeteer-core over WebDriver BiDi. */
import type {Browser as PptrBrowser, Page as PptrPage} from 'puppeteer-core';
import {BINARIES, requireBinary} from './binaries';
import type {WrappedResult} from './pageScript';
import {sleep} from './processes';
import {SessionImpl} from './SessionImpl';
import type {FirefoxSession, StopWorkersOptions} from './session';

/** The {@link FirefoxSession}. */
export class FirefoxImpl extends SessionImpl implements FirefoxSession {
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
