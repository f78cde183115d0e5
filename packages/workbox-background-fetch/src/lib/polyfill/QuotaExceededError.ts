import {defineGlobal} from './defineGlobal.js';

/** What the `QuotaExceededError` constructor accepts (WebIDL). */
interface QuotaExceededErrorOptions {
  quota?: number;
  requested?: number;
}

/**
 * Defines the WebIDL `QuotaExceededError` (a `DOMException` named
 * `QuotaExceededError` with `quota` and `requested`) where the engine lacks
 * it (WebKit, older Firefox), so `fetch()`'s quota rejection is an instance
 * of the global as the spec says.
 *
 * @private
 */
export function defineQuotaExceededError(): void {
  if (typeof (globalThis as {QuotaExceededError?: unknown}).QuotaExceededError === 'function') {
    return;
  }
  class QuotaExceededError extends DOMException {
    readonly quota: number | null;
    readonly requested: number | null;
    constructor(message = '', options: QuotaExceededErrorOptions = {}) {
      super(message, 'QuotaExceededError');
      this.quota = options.quota ?? null;
      this.requested = options.requested ?? null;
    }
  }
  defineGlobal('QuotaExceededError', QuotaExceededError);
}
