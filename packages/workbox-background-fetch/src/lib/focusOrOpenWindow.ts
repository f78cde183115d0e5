import {logger} from './logger.js';

declare const self: ServiceWorkerGlobalScope;

function withoutHash(href: string): string {
  const index = href.indexOf('#');
  return index === -1 ? href : href.slice(0, index);
}

/**
 * Brings the user back to the app after a click on a download's UI:
 * - with `url`, focuses a window already showing that URL (hash ignored),
 *   else opens it;
 * - without `url`, focuses the most recently focused window of this
 *   origin, else opens the service worker's scope.
 *
 * Call it while a click event is active (browsers allow focusing and
 * opening windows only then).
 *
 * @param url Relative to the service worker's scope.
 * @return The focused or opened window, or `null` when the browser refused.
 * @private
 */
export async function focusOrOpenWindow(url?: string): Promise<WindowClient | null> {
  const target = url === undefined ? undefined : new URL(url, self.registration.scope).href;
  try {
    // Most recently focused first, as the Clients spec orders them.
    const windows = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
    const open =
      target === undefined
        ? windows[0]
        : windows.find((client) => withoutHash(client.url) === withoutHash(target));
    if (open) {
      return await open.focus();
    }
    return await self.clients.openWindow(target ?? self.registration.scope);
  } catch (error) {
    if (process.env.NODE_ENV !== 'production') {
      logger.warn(`Could not focus or open a window for ${target ?? 'the app'}:`, error);
    }
    return null;
  }
}
