import {registerRoute} from 'workbox-routing/registerRoute.js';
import {CacheFirst} from 'workbox-strategies/CacheFirst.js';
import {RangeRequestsPlugin} from 'workbox-range-requests/RangeRequestsPlugin.js';
import type {RouteMatchCallback, WorkboxPlugin} from 'workbox-core/types.js';
import {BackgroundFetchQueue} from './BackgroundFetchQueue.js';
import type {
  BackgroundFetchQueueCallback,
  BackgroundFetchQueueOptions,
} from './BackgroundFetchQueue.js';
import {BackgroundFetchPlugin} from './BackgroundFetchPlugin.js';
import type {BackgroundFetchPluginOptions} from './BackgroundFetchPlugin.js';
import {focusOrOpenWindow} from './lib/focusOrOpenWindow.js';
import {createError} from './lib/models/createError.js';
import {validateOptions} from './lib/validateOptions.js';
import type {SnapshotRegistration} from './lib/SnapshotRegistration.js';

/** Options of `backgroundFetchRecipe()`. */
export interface BackgroundFetchRecipeOptions {
  /**
   * The queue the recipe creates: its name, or its name and
   * `BackgroundFetchQueueOptions` (`onSuccess`, `forceFallback`, …).
   */
  queue: string | ({name: string} & BackgroundFetchQueueOptions);
  /** Which requests the route serves. Give this or `urlPattern`. */
  matchCallback?: RouteMatchCallback;
  /**
   * Which requests the route serves, as `registerRoute()`'s capture: a
   * RegExp, or a string matched against the whole URL. Give this or
   * `matchCallback`.
   */
  urlPattern?: RegExp | string;
  /** The route's cache (default `workbox-background-fetch-<queue name>`). */
  cacheName?: string;
  /**
   * Answer `Range` requests from the cached file with 206 slices, so
   * `<audio>` and `<video>` can seek in a finished download (default `true`).
   */
  rangeRequests?: boolean;
  /**
   * The page a click on the download's UI brings up: a window already
   * showing it is focused, else it is opened. A function receives the
   * job's registration. Default: the most recently used window of the app,
   * else the service worker's scope. Ignored when the queue options have
   * their own `onClick`.
   */
  clickUrl?: string | ((registration: SnapshotRegistration) => string);
  /**
   * Hand a GET whose network fetch failed to the queue, so the file arrives
   * later (default `true`); an object gives the `BackgroundFetchPlugin`
   * options (`fetchOptions`, `responseWhileQueued`, `id`,
   * `playWhileDownloading`). The plugin is on the route either way: it also
   * answers Range requests for files still downloading.
   */
  handOff?: boolean | BackgroundFetchPluginOptions;
  /** More plugins for the route's strategy (`ExpirationPlugin`, …). */
  plugins?: WorkboxPlugin[];
}

/** What `backgroundFetchRecipe()` returns. */
export interface BackgroundFetchRecipeResult {
  /** The queue: start jobs with `queue.fetch()`. */
  queue: BackgroundFetchQueue;
  /** The route's `CacheFirst` strategy, where the queue's records land. */
  strategy: CacheFirst;
}

/**
 * Only complete 200 responses enter the cache: never a 206 (that
 * `cache.put()` rejects) or an opaque response (that cannot be sliced).
 */
const completeResponsesOnly: WorkboxPlugin = {
  cacheWillUpdate: async ({response}) => (response.status === 200 ? response : null),
};

/**
 * Large downloads in one call:
 * - creates a `BackgroundFetchQueue`;
 * - registers a `CacheFirst` route for the downloaded URLs, with
 *   `RangeRequestsPlugin` (seeking in finished media) and a
 *   `BackgroundFetchPlugin` (failed GETs become jobs of the queue; a
 *   `Range` request for a file still downloading with the fallback is
 *   answered from the bytes already stored: playback while downloading);
 * - the queue's finished records land in that route's cache, through its
 *   plugins, before `onSuccess` runs;
 * - a click on a download's UI focuses an open page or opens `clickUrl`.
 *
 * Unlike Workbox's recipes it returns what it made, so the worker can start
 * jobs and read the cache.
 *
 * ```js
 * import {backgroundFetchRecipe} from 'workbox-background-fetch';
 *
 * const {queue} = backgroundFetchRecipe({
 *   queue: {
 *     name: 'episodes',
 *     onSuccess: ({registration, updateUI}) =>
 *       updateUI({title: `${registration.id} is ready to play`}),
 *   },
 *   urlPattern: /\/media\//,
 *   cacheName: 'episodes',
 *   clickUrl: '/library/',
 * });
 * ```
 *
 * @param options See `BackgroundFetchRecipeOptions`.
 * @return The queue and the route's strategy.
 */
export function backgroundFetchRecipe(
  options: BackgroundFetchRecipeOptions,
): BackgroundFetchRecipeResult {
  if (process.env.NODE_ENV !== 'production') {
    validateOptions('backgroundFetchRecipe', options, {
      queue: ['string', 'object'],
      matchCallback: 'function',
      urlPattern: ['string', 'object'],
      cacheName: 'string',
      rangeRequests: 'boolean',
      clickUrl: ['string', 'function'],
      handOff: ['boolean', 'object'],
      plugins: 'object',
    });
  }
  const {matchCallback, urlPattern, rangeRequests = true, clickUrl, handOff = true} = options;
  if ((matchCallback === undefined) === (urlPattern === undefined)) {
    throw createError('invalid-recipe-options', {missing: 'route'}, 'TypeError');
  }
  if (options.queue === null || options.queue === undefined) {
    throw createError('invalid-recipe-options', {missing: 'queue'}, 'TypeError');
  }
  const {name, ...queueOptions} =
    typeof options.queue === 'string' ? {name: options.queue} : options.queue;

  const onClick: BackgroundFetchQueueCallback = ({registration}) =>
    focusOrOpenWindow(typeof clickUrl === 'function' ? clickUrl(registration) : clickUrl).then(
      () => undefined,
    );
  const queue = new BackgroundFetchQueue(name, {onClick, ...queueOptions});

  const plugins: WorkboxPlugin[] = [completeResponsesOnly];
  if (rangeRequests) {
    plugins.push(new RangeRequestsPlugin());
  }
  plugins.push(...(options.plugins ?? []));
  // Always there: it also answers Range requests while a file downloads.
  plugins.push(
    new BackgroundFetchPlugin(
      queue,
      handOff === false ? {handOff: false} : handOff === true ? {} : handOff,
    ),
  );
  const strategy = new CacheFirst({
    cacheName: options.cacheName ?? `workbox-background-fetch-${name}`,
    plugins,
  });
  // The default router: the one the queue looks in to place its records.
  registerRoute((matchCallback ?? urlPattern) as RouteMatchCallback | RegExp | string, strategy);
  return {queue, strategy};
}
