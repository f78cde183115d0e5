import {logger} from './lib/logger.js';
import type {
  CachedResponseWillBeUsedCallback,
  FetchDidFailCallback,
  HandlerDidErrorCallback,
  WorkboxPlugin,
} from 'workbox-core/types.js';
import type {BackgroundFetchQueue} from './BackgroundFetchQueue.js';
import {getQueue} from './lib/queueRegistry.js';
import {createError} from './lib/models/createError.js';
import {validateOptions} from './lib/validateOptions.js';
import {readStoredRange} from './lib/playback/readStoredRange.js';
import {queueDownloadsUrl} from './lib/playback/queueDownloadsUrl.js';
import type {BackgroundFetchOptions} from './types.js';

/** Options of a `BackgroundFetchPlugin`. */
export interface BackgroundFetchPluginOptions {
  /** The job id for a request handed off to the queue (default: its URL). */
  id?: (request: Request) => string;
  /** `{title, icons, downloadTotal}` of handed-off jobs, or a function of the request. */
  fetchOptions?: BackgroundFetchOptions | ((request: Request) => BackgroundFetchOptions);
  /**
   * What the strategy answers when its network fetch failed and the request
   * was handed to the queue (for example a page saying the download goes on
   * in the background). Without it, the strategy's error stands, as it does
   * for a `Range` request of a file a job is downloading.
   */
  responseWhileQueued?:
    | Response
    | ((options: {request: Request; error: Error}) => Response | Promise<Response>);
  /**
   * Hand a GET whose network fetch failed to the queue (default `true`);
   * `false` keeps only the other behaviours.
   */
  handOff?: boolean;
  /**
   * Answer a `Range` request for a file that a fallback job of the queue is
   * downloading with a 206 from the bytes already stored, when they hold
   * the whole range, or for an open-ended `bytes=a-` (what media elements
   * send) the stored run from `a` (default `true`): `<audio>` and `<video>`
   * play and seek in the part that has arrived, offline too. Other ranges,
   * and native jobs (whose bytes cannot be read before the end), go to the
   * network.
   */
  playWhileDownloading?: boolean;
}

/**
 * How a Workbox route hands its large downloads to a `BackgroundFetchQueue`,
 * the way `BackgroundSyncPlugin` hands failed requests to a `Queue`:
 *
 * - when the strategy's network fetch of a GET fails, the URL becomes a
 *   background fetch job of the queue, so the file arrives later;
 * - `handlerDidError` may then answer with `responseWhileQueued`;
 * - the queue's finished records whose URLs this route serves are written
 *   through this strategy's cache name and plugins (see the queue's
 *   `cacheName` option);
 * - while a fallback job of the queue downloads a URL, a `Range` request for
 *   it that the cache cannot answer (`cachedResponseWillBeUsed`) gets a 206
 *   from the bytes already stored when they cover the range: playback while
 *   downloading. Put the plugin in a strategy that looks in the cache first
 *   (`CacheFirst`, as `backgroundFetchRecipe()` does).
 *
 * Requests that succeed are left alone.
 *
 * ```js
 * registerRoute(
 *   ({url}) => url.pathname.startsWith('/media/'),
 *   new CacheFirst({
 *     cacheName: 'media',
 *     plugins: [new BackgroundFetchPlugin(queue)],
 *   }),
 * );
 * ```
 */
export class BackgroundFetchPlugin implements WorkboxPlugin {
  private readonly _queue: BackgroundFetchQueue | string;
  private readonly _options: BackgroundFetchPluginOptions;

  /**
   * @param queue The queue, or the name of a queue created in this worker.
   * @param options See `BackgroundFetchPluginOptions`.
   */
  constructor(queue: BackgroundFetchQueue | string, options: BackgroundFetchPluginOptions = {}) {
    if (process.env.NODE_ENV !== 'production') {
      validateOptions('BackgroundFetchPlugin', options, {
        id: 'function',
        fetchOptions: ['object', 'function'],
        responseWhileQueued: ['object', 'function'],
        handOff: 'boolean',
        playWhileDownloading: 'boolean',
      });
    }
    this._queue = queue;
    this._options = options;
  }

  /**
   * When nothing is cached: a 206 from the stored bytes of an active
   * fallback download that cover the request's `Range`.
   */
  cachedResponseWillBeUsed: CachedResponseWillBeUsedCallback = async ({
    request,
    cachedResponse,
  }) => {
    if (
      cachedResponse ||
      this._options.playWhileDownloading === false ||
      request.method !== 'GET' ||
      !request.headers.has('range')
    ) {
      return cachedResponse ?? null;
    }
    const response = await readStoredRange(
      await this._resolveQueue()._activeFallbackJobs(),
      request,
    );
    if (response && process.env.NODE_ENV !== 'production') {
      logger.debug(
        `Answered ${request.url} (${request.headers.get('range')}) from the ` +
          `bytes its background fetch already stored.`,
      );
    }
    return response ?? null;
  };

  /** Hands a failed GET to the queue. */
  fetchDidFail: FetchDidFailCallback = async ({originalRequest, event}) => {
    if (originalRequest.method !== 'GET' || this._options.handOff === false) {
      return;
    }
    const queue = this._resolveQueue();
    if (await queueDownloadsUrl(queue, originalRequest.url)) {
      return; // A job downloads it already (a seek outside the part stored so far): it goes on.
    }
    // Media elements and images send no-cors requests; background fetch
    // refuses those, and a plain GET of the URL is what is wanted anyway.
    const request = new Request(originalRequest.url);
    const id = this._options.id?.(originalRequest) ?? originalRequest.url;
    const {fetchOptions} = this._options;
    try {
      if (await queue.get(id)) {
        return; // Already on its way.
      }
      await queue.fetch(
        id,
        [request],
        typeof fetchOptions === 'function' ? fetchOptions(originalRequest) : fetchOptions,
      );
      queue._keepAlive(event);
      if (process.env.NODE_ENV !== 'production') {
        logger.log(`Handed ${request.url} to background fetch queue '${queue.name}' as '${id}'.`);
      }
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') {
        logger.error(`Could not hand ${request.url} to queue '${queue.name}':`, error);
      }
    }
  };

  /**
   * Answers with `responseWhileQueued`, when given; not a `Range` request
   * for a file a job downloads (a seek past the part stored so far,
   * offline): that one was not handed off, and fails as a network error.
   */
  handlerDidError: HandlerDidErrorCallback = async ({request, error}) => {
    const {responseWhileQueued} = this._options;
    if (!responseWhileQueued || request.method !== 'GET') {
      return undefined;
    }
    if (
      request.headers.has('range') &&
      (await queueDownloadsUrl(this._resolveQueue(), request.url))
    ) {
      return undefined;
    }
    return typeof responseWhileQueued === 'function'
      ? responseWhileQueued({request, error})
      : responseWhileQueued.clone();
  };

  private _resolveQueue(): BackgroundFetchQueue {
    if (typeof this._queue !== 'string') {
      return this._queue;
    }
    const queue = getQueue(this._queue);
    if (!queue) {
      throw createError('queue-not-found-for-plugin', {name: this._queue});
    }
    return queue;
  }
}
