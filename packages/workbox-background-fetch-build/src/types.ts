import type {
  BuildResult,
  GenerateSWOptions,
  InjectManifestOptions,
  RuntimeCaching,
} from 'workbox-build';

/** An icon of a download's UI (the spec's `ImageResource`). */
export interface BackgroundFetchIconConfig {
  /** URL of the image, relative to the service worker. */
  src: string;
  /** Like `<link sizes>`: `'192x192'`. */
  sizes?: string;
  /** MIME type: `'image/png'`. */
  type?: string;
  /** Accessible description. */
  label?: string;
}

/**
 * What a finished job's UI shows: the browser's download UI for native jobs,
 * the job's notification for fallback jobs. `{id}` in `title` is replaced by
 * the job's id.
 */
export interface BackgroundFetchUIConfig {
  /** `'{id} is ready'`. */
  title?: string;
  /** Icons of the UI. */
  icons?: BackgroundFetchIconConfig[];
}

/**
 * One `BackgroundFetchQueue` the generated worker creates. Holds the
 * queue's serializable options plus what the worker does on its own when a
 * job ends (callbacks cannot be written in a config).
 *
 * ```js
 * {name: 'downloads', successUI: {title: '{id} is ready'}, clickUrl: '/library/'}
 * ```
 */
export interface BackgroundFetchQueueConfig {
  /** The queue's name, unique in the worker: pages and routes refer to it. */
  name: string;
  /**
   * Where finished records go. Default: the cache of the
   * `runtimeCaching` route (with `options.backgroundFetch`) whose
   * `urlPattern` matches the record's URL, else
   * `workbox-background-fetch-<name>`.
   */
  cacheName?: string;
  /** Never use native Background Fetch: always the chunked fallback. */
  forceFallback?: boolean;
  /**
   * `false`: a native job that fails with a network error ends with
   * `fetch-error`. Default: the chunked fallback goes on with it.
   */
  nativeFailover?: boolean;
  /** Tuning of the chunked fallback (`chunkSize`, `maxInFlight`, `maxAttempts`, …). */
  fallback?: Record<string, number | boolean | string>;
  /** `updateUI()` when a job succeeded (after its records were cached). */
  successUI?: BackgroundFetchUIConfig;
  /** `updateUI()` when a job failed. */
  failUI?: BackgroundFetchUIConfig;
  /**
   * The page a click on a download's UI brings up (focused when already
   * open, else opened); `{id}` is replaced by the job's id. Default: the
   * most recently used page of the app, else the worker's scope.
   */
  clickUrl?: string;
}

/** The top-level `backgroundFetch` section of a config. */
export interface BackgroundFetchConfig {
  /** The queues the generated worker creates. */
  queues: BackgroundFetchQueueConfig[];
}

/** A response given as data: what a route answers while its request waits in a queue. */
export interface ResponseConfig {
  /** The body (default empty). */
  body?: string;
  /** The status (default 202). */
  status?: number;
  /** The headers (default `Content-Type: text/html; charset=utf-8`). */
  headers?: Record<string, string>;
}

/** `title`, `icons` and `downloadTotal` of a job a route hands to its queue. */
export interface BackgroundFetchJobOptionsConfig {
  /** `{url}` and `{filename}` are replaced by the request's URL and file name. */
  title?: string;
  /** Icons of the download's UI. */
  icons?: BackgroundFetchIconConfig[];
  /** Upper bound of bytes to download. */
  downloadTotal?: number;
}

/**
 * `runtimeCaching[].options.backgroundFetch`: ties a route to a queue. The
 * queue's finished records whose URLs the route matches are written through
 * the route's strategy (its cache and plugins), and a GET whose network
 * fetch fails becomes a job of the queue.
 */
export interface BackgroundFetchRouteConfig {
  /** The name of a queue in `backgroundFetch.queues`. */
  queue: string;
  /** Options of handed-off jobs. */
  fetchOptions?: BackgroundFetchJobOptionsConfig;
  /**
   * What the route answers when its request was handed to the queue (an
   * HTML string, or a response as data). Without it, the strategy's error
   * stands.
   */
  responseWhileQueued?: string | ResponseConfig;
}

/** A `runtimeCaching` entry that may carry `options.backgroundFetch`. */
export type BackgroundFetchRuntimeCaching = Omit<RuntimeCaching, 'options'> & {
  options?: RuntimeCaching['options'] & {backgroundFetch?: BackgroundFetchRouteConfig};
};

/** workbox-build's `generateSW` config plus `backgroundFetch`. */
export type GenerateSWConfig = Omit<GenerateSWOptions, 'runtimeCaching'> & {
  /** workbox-build's `runtimeCaching`, whose entries may carry `options.backgroundFetch`. */
  runtimeCaching?: BackgroundFetchRuntimeCaching[];
  /** The queues the generated worker creates. */
  backgroundFetch?: BackgroundFetchConfig;
};

/** How `injectManifest` bundles `swSrc`. */
export interface BundleConfig {
  /** `'production'` (default: minified, no dev logs) or `'development'`. */
  mode?: 'production' | 'development';
  /** Minify (default: in production). */
  minify?: boolean;
  /** Write a source map next to `swDest` (default `true`). */
  sourcemap?: boolean;
}

/** workbox-build's `injectManifest` config plus `backgroundFetch` and `bundle`. */
export type InjectManifestConfig = InjectManifestOptions & {
  /** Queues created before your worker's code runs (needs bundling). */
  backgroundFetch?: BackgroundFetchConfig;
  /**
   * Bundle `swSrc` with esbuild first, so `import … from
   * 'workbox-background-fetch'` works (default `true`); `false` only
   * injects the manifest, like workbox-build.
   */
  bundle?: boolean | BundleConfig;
};

/** Options of `backgroundFetchPlugin()`. */
export interface BackgroundFetchPluginConfig {
  /**
   * The queue: a name, or a queue config. Set its `cacheName` to the
   * route's `cacheName`: with a plain workbox-build config, records cannot
   * see the route.
   */
  queue: string | BackgroundFetchQueueConfig;
  /** Options of handed-off jobs. */
  fetchOptions?: BackgroundFetchJobOptionsConfig;
  /** What the route answers when its request was handed to the queue. */
  responseWhileQueued?: string | ResponseConfig;
  /** Which runtime build `importScripts` loads (default `'production'`). */
  mode?: 'production' | 'development';
  /**
   * The service worker file your config writes: its `swDest` (relative to
   * the folder the build runs in, as workbox-build reads it). Whenever the
   * worker is written, the runtime file that `importScripts` loads is copied
   * next to it (`workbox-background-fetch-v<version>/workbox-background-fetch.<mode>.js`
   * and its source map; no other bundle). Required, unless `importScriptsUrl`
   * says where you serve the runtime yourself.
   */
  swDest?: string;
  /**
   * The URL `importScripts` loads, relative to the service worker, when you
   * serve the runtime yourself (then `swDest` is not given and nothing is
   * copied).
   */
  importScriptsUrl?: string;
}

/** A Workbox plugin written as data, that workbox-build copies into the worker. */
export type SerializablePlugin = Record<string, unknown>;

/** What `backgroundFetchPlugin()` returns. */
export interface BackgroundFetchPluginResult {
  /** Put it in `runtimeCaching[].options.plugins`. */
  plugin: SerializablePlugin;
  /** Put it in the top-level `importScripts`. */
  importScripts: string;
}

export type {BuildResult};
