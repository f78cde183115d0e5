import {logger} from '../logger.js';
import {ProgressThrottle} from './ProgressThrottle.js';
import {delay} from './wait.js';
import type {NotificationData} from './readFallbackNotification.js';
import type {RegistrationSnapshot} from '../../protocol.js';
import type {BackgroundFetchUIOptions, ImageResource} from '../../types.js';

declare const self: ServiceWorkerGlobalScope;

/** Notifications of a job are updated at most this often. */
const NOTIFICATION_INTERVAL_MS = 1000;

/**
 * Nothing waits longer than this for `showNotification()`. Headless
 * Chromium was seen never settling the first notification of a worker
 * that is downloading; a job must not hang on its UI.
 */
const SHOW_TIMEOUT_MS = 2000;

function canNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

function percent(downloaded: number, total: number): number {
  return Math.max(0, Math.min(100, Math.floor((downloaded / total) * 100)));
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * The one notification of a fallback job (tag = job id), shown only where
 * notification permission is granted; elsewhere every method does nothing
 * and downloads work the same. Shows the title and the percentage (or the
 * bytes, when the size is unknown), updated at most once a second;
 * `replace()` is `updateUI()`.
 *
 * @private
 */
export class JobNotifier {
  private readonly _jobId: string;
  private readonly _enabled: boolean;
  private _title: string;
  private _icons: ImageResource[] | undefined;
  private _snapshot: RegistrationSnapshot | null = null;
  private _total: number | null = null;
  private _body = '';
  private readonly _throttle = new ProgressThrottle(
    () => void this._showProgress(),
    NOTIFICATION_INTERVAL_MS,
  );

  constructor(
    jobId: string,
    options: BackgroundFetchUIOptions & {enabled: boolean; fallbackTitle: string},
  ) {
    this._jobId = jobId;
    this._enabled = options.enabled;
    this._title = options.title || options.fallbackTitle;
    this._icons = options.icons;
  }

  /** Shows the job's progress (throttled). `total` is `null` while unknown. */
  progress(snapshot: RegistrationSnapshot, total: number | null): void {
    this._snapshot = snapshot;
    this._total = total;
    if (this._enabled && canNotify()) {
      this._throttle.schedule();
    }
  }

  /** Shows how the job ended (abort closes the notification). Does not wait for the browser. */
  finish(type: 'success' | 'fail' | 'abort', snapshot: RegistrationSnapshot): void {
    this._throttle.cancel();
    this._snapshot = snapshot;
    if (type === 'abort') {
      void this._close();
    } else {
      void this._show(type === 'success' ? 'Download complete' : 'Download failed');
    }
  }

  /** `updateUI()`: replaces the notification's title and icon. */
  async replace(options: BackgroundFetchUIOptions = {}): Promise<void> {
    this._title = options.title ?? this._title;
    this._icons = options.icons ?? this._icons;
    await this._show(null);
  }

  private async _showProgress(): Promise<void> {
    const snapshot = this._snapshot;
    if (!snapshot) {
      return;
    }
    const amount =
      this._total !== null && this._total > 0
        ? `${percent(snapshot.downloaded, this._total)}%`
        : megabytes(snapshot.downloaded);
    await this._show(snapshot.paused ? `Paused, ${amount}` : amount);
  }

  /** Shows (or replaces) the notification; `body: null` keeps the last one. */
  private async _show(body: string | null): Promise<void> {
    if (!this._enabled || !canNotify() || !this._snapshot) {
      return;
    }
    this._body = body ?? this._body;
    const data: NotificationData = {
      backgroundFetch: {jobId: this._jobId, snapshot: this._snapshot},
    };
    try {
      const shown = self.registration.showNotification(this._title, {
        tag: this._jobId,
        body: this._body,
        icon: this._icons?.[0]?.src,
        silent: true,
        data,
      });
      // Some engines never settle showNotification(): give up after a while,
      // and clear the timer once it did settle.
      const timeout = new AbortController();
      await Promise.race([shown, delay(SHOW_TIMEOUT_MS, timeout.signal)]).finally(() =>
        timeout.abort(),
      );
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.warn(`Could not show the notification of ${this._jobId}:`, error);
      }
    }
  }

  private async _close(): Promise<void> {
    if (!this._enabled || typeof self.registration.getNotifications !== 'function') {
      return;
    }
    try {
      const shown = await self.registration.getNotifications({tag: this._jobId});
      for (const notification of shown) {
        notification.close();
      }
    } catch {
      // Nothing was shown.
    }
  }
}
