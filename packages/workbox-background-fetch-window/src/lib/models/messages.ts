/*
  Every error the page package raises itself, by code (errors of the
  worker's checks use the runtime's codes). A misspelt code fails to
  compile. The texts say what went wrong and how to fix it. As in Workbox,
  they are for development: production builds drop them, and an error's
  message there is its code and details as JSON (`createWindowError.ts`),
  which still name the file or URL at fault; `error.code` and `error.name`
  are the same in both.
*/

type Details = Record<string, unknown>;
type MessageFn = (details: Details) => string;

const seconds = (ms: unknown): string => `${Number(ms) / 1000} s`;

export const messages = {
  'no-service-worker-api': () =>
    `navigator.serviceWorker is missing: this page is not a secure context, so it ` +
    `cannot use service workers. Serve it over https, or from http://localhost or ` +
    `http://127.0.0.1.`,
  'invalid-timeout': ({timeout}) =>
    `backgroundFetchManager()'s timeout must be a positive number of ` +
    `milliseconds, got ${String(timeout)}.`,
  'no-registration': ({timeout, page, scopes}) =>
    `No service worker is registered for this page (${String(page)}) after ` +
    `${seconds(timeout)}. ` +
    ((scopes as string[]).length
      ? `This origin's registrations have the scopes ${(scopes as string[]).join(', ')}, ` +
        `which do not include this page: serve the worker from a folder above ` +
        `the page (e.g. /sw.js). `
      : `Call navigator.serviceWorker.register('/sw.js') and check that it ` +
        `resolves: it rejects when the script is missing (404) or throws while ` +
        `it starts (e.g. an importScripts() URL that is not there). `) +
    `Or pass {serviceWorker: '/sw.js'} to backgroundFetchManager(): it ` +
    `registers the worker and names what failed.`,
  'worker-install-failed': ({url, cause}) =>
    `The service worker ${String(url)} failed to install: ` +
    // The browser's reason may end with its own period.
    `${String(cause || "it threw while starting, or its install event failed (e.g. a precached URL answered 404); see the worker's console").replace(/\.$/, '')}` +
    // A script that throws at its top level: the browser says only that.
    (/evaluation failed/i.test(String(cause))
      ? ": it threw while starting; the worker's console shows the error."
      : '.'),
  'worker-not-activated': ({url, state, timeout}) =>
    `The service worker ${String(url)} is still ${String(state)} after ` +
    `${seconds(timeout)}. If its install event precaches a lot, pass a larger ` +
    `{timeout} to backgroundFetchManager(); if it is waiting, an older worker ` +
    `still controls open tabs: call self.skipWaiting() in the worker, or close them.`,
  'no-queue-answer': ({url, timeout}) =>
    `The service worker ${String(url)} did not answer within ${seconds(timeout)}: ` +
    `it runs no BackgroundFetchQueue. Create one at the top level of the worker ` +
    `(new BackgroundFetchQueue('downloads', …) from workbox-background-fetch, ` +
    `backgroundFetchRecipe(), or the backgroundFetch section of a ` +
    `workbox-background-fetch-build config), then reload.`,
  'worker-no-reply': ({url, timeout}) =>
    `The service worker ${String(url)} did not answer within ${seconds(timeout)}.`,
  'no-native-api': () =>
    `This page cannot start a native background fetch: the browser has no ` +
    `registration.backgroundFetch here.`,
  'csp-connect-src': ({url}) =>
    `Background fetch refuses ${String(url)}: the page's ` +
    `Content-Security-Policy (connect-src) does not allow it.`,
  'record-aborted': () => `The background fetch was aborted.`,
  'record-pending': () => `The response has not arrived yet.`,
  'record-failed': () => `The response could not be fetched.`,
} satisfies Record<string, MessageFn>;

/** The code of every error the page package raises. */
export type WindowMessageKey = keyof typeof messages;
