/** `chromium` and `chromium-persistent`: Debian's Chromium driven by playwright-core over CDP. */
import type {
  Browser as PwBrowser,
  BrowserContext as PwContext,
  CDPSession,
  Page as PwPage,
} from 'playwright-core';
import {BINARIES, requireBinary} from './binaries';
import {
  CHROMIUM_ARGS,
  FEATURE_SWITCHES,
  mergeChromiumFeatureArgs,
  playwrightDefaultArgs,
} from './chromiumArgs';
import type {WrappedResult} from './pageScript';
import {childrenOf} from './processes';
import {SessionImpl} from './SessionImpl';
import type {ChromiumSession} from './session';

/** The {@link ChromiumSession} of `chromium` and `chromium-persistent`. */
export class ChromiumImpl extends SessionImpl implements ChromiumSession {
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
