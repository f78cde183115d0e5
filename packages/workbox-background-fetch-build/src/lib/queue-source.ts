import {toSource} from './to-source.js';
import type {
  BackgroundFetchJobOptionsConfig,
  BackgroundFetchQueueConfig,
  BackgroundFetchUIConfig,
  ResponseConfig,
} from '../types.js';

/*
  Source text of the options a generated worker passes to
  `new BackgroundFetchQueue()` and `new BackgroundFetchPlugin()`: the
  declarative parts of a config become small callbacks. They use the
  helpers of worker-snippets.ts, which the generated code declares.
*/

function uiSource(ui: BackgroundFetchUIConfig, path: string): string {
  const parts: string[] = [];
  if (ui.title !== undefined) {
    parts.push(`title: fillTemplate(${JSON.stringify(ui.title)}, {id: event.registration.id})`);
  }
  if (ui.icons !== undefined) {
    parts.push(`icons: ${toSource(ui.icons, `${path}.icons`)}`);
  }
  return `{${parts.join(', ')}}`;
}

/**
 * `{cacheName, onSuccess, …}` for `new BackgroundFetchQueue(name, options)`.
 *
 * @param queue The queue's config.
 * @param path Where the queue is in the config (for error messages).
 * @param router An expression for the queue's `router` option, if any.
 * @private
 */
export function queueOptionsSource(
  queue: BackgroundFetchQueueConfig,
  path: string,
  router?: string,
): string {
  const parts: string[] = [];
  if (router) {
    parts.push(`router: ${router}`);
  }
  if (queue.cacheName !== undefined) {
    parts.push(`cacheName: ${JSON.stringify(queue.cacheName)}`);
  }
  if (queue.forceFallback !== undefined) {
    parts.push(`forceFallback: ${queue.forceFallback}`);
  }
  if (queue.nativeFailover !== undefined) {
    parts.push(`nativeFailover: ${queue.nativeFailover}`);
  }
  if (queue.fallback !== undefined) {
    parts.push(`fallback: ${toSource(queue.fallback, `${path}.fallback`)}`);
  }
  if (queue.successUI !== undefined) {
    parts.push(
      `onSuccess: (event) => event.updateUI(${uiSource(queue.successUI, `${path}.successUI`)})`,
    );
  }
  if (queue.failUI !== undefined) {
    parts.push(`onFail: (event) => event.updateUI(${uiSource(queue.failUI, `${path}.failUI`)})`);
  }
  const url =
    queue.clickUrl === undefined
      ? 'undefined'
      : `fillTemplate(${JSON.stringify(queue.clickUrl)}, {id: event.registration.id})`;
  parts.push(`onClick: (event) => focusOrOpenWindow(${url})`);
  return `{${parts.join(', ')}}`;
}

function responseSource(response: string | ResponseConfig, path: string): string {
  const {
    body = '',
    status = 202,
    headers = {'Content-Type': 'text/html; charset=utf-8'},
  } = typeof response === 'string' ? {body: response} : response;
  return `new Response(${JSON.stringify(body)}, {status: ${status}, headers: ${toSource(headers, `${path}.headers`)}})`;
}

function fetchOptionsSource(options: BackgroundFetchJobOptionsConfig, path: string): string {
  const parts: string[] = [];
  if (options.title !== undefined) {
    parts.push(
      `title: fillTemplate(${JSON.stringify(options.title)}, ` +
        `{url: request.url, filename: fileNameOf(request.url)})`,
    );
  }
  if (options.icons !== undefined) {
    parts.push(`icons: ${toSource(options.icons, `${path}.icons`)}`);
  }
  if (options.downloadTotal !== undefined) {
    parts.push(`downloadTotal: ${options.downloadTotal}`);
  }
  return `(request) => ({${parts.join(', ')}})`;
}

/**
 * `{fetchOptions, responseWhileQueued}` for `new BackgroundFetchPlugin(queue, options)`.
 *
 * @param options The route's (or `backgroundFetchPlugin()`'s) options.
 * @param path Where they are in the config (for error messages).
 * @private
 */
export function pluginOptionsSource(
  options: {
    fetchOptions?: BackgroundFetchJobOptionsConfig;
    responseWhileQueued?: string | ResponseConfig;
  },
  path: string,
): string {
  const parts: string[] = [];
  if (options.fetchOptions !== undefined) {
    parts.push(`fetchOptions: ${fetchOptionsSource(options.fetchOptions, `${path}.fetchOptions`)}`);
  }
  if (options.responseWhileQueued !== undefined) {
    parts.push(
      `responseWhileQueued: ${responseSource(options.responseWhileQueued, `${path}.responseWhileQueued`)}`,
    );
  }
  return `{${parts.join(', ')}}`;
}
