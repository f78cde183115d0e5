import type {z} from 'zod';
import {BackgroundFetchConfigError} from './config-error.js';
import {describeIssues, formatPath} from './describe-issues.js';
import {didYouMean} from './did-you-mean.js';
import {
  backgroundFetchRouteSchema,
  backgroundFetchSchema,
  bundleSchema,
  pluginConfigSchema,
} from './schema.js';
import type {
  BackgroundFetchConfig,
  BackgroundFetchPluginConfig,
  BackgroundFetchRuntimeCaching,
  BundleConfig,
  GenerateSWConfig,
  InjectManifestConfig,
} from '../types.js';

const strategyNames = [
  'CacheFirst',
  'CacheOnly',
  'NetworkFirst',
  'NetworkOnly',
  'StaleWhileRevalidate',
];

/** A `runtimeCaching` entry that carries `options.backgroundFetch`, with its index. @private */
export interface BackgroundFetchRoute {
  index: number;
  entry: BackgroundFetchRuntimeCaching & {
    options: NonNullable<BackgroundFetchRuntimeCaching['options']> & {
      backgroundFetch: NonNullable<
        NonNullable<BackgroundFetchRuntimeCaching['options']>['backgroundFetch']
      >;
    };
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(
  schema: z.ZodTypeAny,
  value: unknown,
  prefix: Array<string | number>,
  issues: string[],
): void {
  const result = schema.safeParse(value);
  if (!result.success) {
    issues.push(...describeIssues(result.error.issues, schema, value, prefix));
  }
}

function checkConfigObject(config: unknown, fn: string): asserts config is Record<string, unknown> {
  if (!isObject(config)) {
    throw new BackgroundFetchConfigError([
      `${fn}() needs a config object, not ${config === null ? 'null' : typeof config}. ` +
        `Pass workbox-build's options, for example {globDirectory: 'dist', swDest: 'dist/sw.js'}.`,
    ]);
  }
}

function checkQueueNames(backgroundFetch: BackgroundFetchConfig, issues: string[]): void {
  const seen = new Set<string>();
  backgroundFetch.queues.forEach((queue, index) => {
    if (seen.has(queue.name)) {
      issues.push(
        `backgroundFetch.queues[${index}].name '${queue.name}' is used by an earlier ` +
          `queue too. Give each queue its own name.`,
      );
    }
    seen.add(queue.name);
  });
}

function checkRoute(route: BackgroundFetchRoute, queueNames: string[], issues: string[]): void {
  const {entry, index} = route;
  const at = formatPath(['runtimeCaching', index]);
  const {handler, options} = entry;
  if (typeof handler !== 'string' || !strategyNames.includes(handler)) {
    issues.push(
      `${at}.handler must be a strategy name (${strategyNames.map((n) => `'${n}'`).join(', ')}) ` +
        `when ${at}.options.backgroundFetch is set: the queue writes its records ` +
        `through that strategy's cache and plugins.` +
        (typeof handler === 'string' && didYouMean(handler, strategyNames)
          ? ` Did you mean '${didYouMean(handler, strategyNames)}'?`
          : ''),
    );
  }
  if (options.precacheFallback !== undefined) {
    issues.push(
      `${at}.options.precacheFallback cannot be combined with ${at}.options.backgroundFetch. ` +
        `Use ${at}.options.backgroundFetch.responseWhileQueued for what a request ` +
        `handed to the queue answers.`,
    );
  }
  if (
    options.networkTimeoutSeconds !== undefined &&
    handler !== 'NetworkFirst' &&
    handler !== 'NetworkOnly'
  ) {
    issues.push(
      `${at}.options.networkTimeoutSeconds only works with 'NetworkFirst' or ` +
        `'NetworkOnly'; remove it or change ${at}.handler.`,
    );
  }
  if (options.expiration && !options.cacheName) {
    issues.push(
      `${at}.options.expiration needs ${at}.options.cacheName: give the route ` +
        `its own cache, like cacheName: 'media'.`,
    );
  }
  const queue = options.backgroundFetch.queue;
  if (typeof queue === 'string' && queue && !queueNames.includes(queue)) {
    const suggestion = didYouMean(queue, queueNames);
    issues.push(
      `${at}.options.backgroundFetch.queue '${queue}' names no queue of ` +
        `backgroundFetch.queues.` +
        (suggestion
          ? ` Did you mean '${suggestion}'?`
          : ` Add {name: '${queue}'} to backgroundFetch.queues` +
            (queueNames.length ? ` (it has: ${queueNames.join(', ')}).` : '.')),
    );
  }
}

/**
 * Checks what `generateSW()` adds to workbox-build's config: the top-level
 * `backgroundFetch` and the routes that carry `options.backgroundFetch`
 * (whose strategies this package builds). Everything else is left to
 * workbox-build.
 *
 * @return The routes tied to queues, in config order.
 * @throws BackgroundFetchConfigError listing every mistake found.
 * @private
 */
export function validateGenerateSWConfig(config: unknown): {
  config: GenerateSWConfig;
  routes: BackgroundFetchRoute[];
} {
  checkConfigObject(config, 'generateSW');
  const issues: string[] = [];
  if (config.backgroundFetch !== undefined) {
    check(backgroundFetchSchema, config.backgroundFetch, ['backgroundFetch'], issues);
  }
  const routes: BackgroundFetchRoute[] = [];
  if (Array.isArray(config.runtimeCaching)) {
    config.runtimeCaching.forEach((entry: unknown, index) => {
      if (
        isObject(entry) &&
        isObject(entry.options) &&
        entry.options.backgroundFetch !== undefined
      ) {
        check(backgroundFetchRouteSchema, entry, ['runtimeCaching', index], issues);
        routes.push({index, entry: entry as unknown as BackgroundFetchRoute['entry']});
      }
    });
  }
  if (issues.length === 0) {
    const backgroundFetch = config.backgroundFetch as BackgroundFetchConfig | undefined;
    const queueNames = backgroundFetch?.queues.map((queue) => queue.name) ?? [];
    if (backgroundFetch) {
      checkQueueNames(backgroundFetch, issues);
    }
    for (const route of routes) {
      checkRoute(route, queueNames, issues);
    }
  }
  if (issues.length > 0) {
    throw new BackgroundFetchConfigError(issues);
  }
  return {config: config as unknown as GenerateSWConfig, routes};
}

/**
 * Checks what `injectManifest()` adds to workbox-build's config:
 * `backgroundFetch` and `bundle`.
 *
 * @throws BackgroundFetchConfigError listing every mistake found.
 * @private
 */
export function validateInjectManifestConfig(config: unknown): InjectManifestConfig {
  checkConfigObject(config, 'injectManifest');
  const issues: string[] = [];
  if (config.backgroundFetch !== undefined) {
    check(backgroundFetchSchema, config.backgroundFetch, ['backgroundFetch'], issues);
  }
  if (config.bundle !== undefined && typeof config.bundle !== 'boolean') {
    check(bundleSchema, config.bundle, ['bundle'], issues);
  }
  if (issues.length === 0 && config.backgroundFetch !== undefined) {
    checkQueueNames(config.backgroundFetch as BackgroundFetchConfig, issues);
    if (config.bundle === false) {
      issues.push(
        `backgroundFetch needs bundling: its queues are created by code added to ` +
          `your worker when it is bundled. Remove bundle: false, or remove ` +
          `backgroundFetch and create the queues in your worker.`,
      );
    }
  }
  if (issues.length > 0) {
    throw new BackgroundFetchConfigError(issues);
  }
  return config as unknown as InjectManifestConfig;
}

/** `bundle` as an object, defaults applied. @private */
export function bundleOptions(
  bundle: InjectManifestConfig['bundle'],
): Required<BundleConfig> | undefined {
  if (bundle === false) {
    return undefined;
  }
  const options = bundle === true || bundle === undefined ? {} : bundle;
  const mode = options.mode ?? 'production';
  return {
    mode,
    minify: options.minify ?? mode === 'production',
    sourcemap: options.sourcemap ?? true,
  };
}

/**
 * Checks `backgroundFetchPlugin()`'s options.
 *
 * @throws BackgroundFetchConfigError listing every mistake found.
 * @private
 */
export function validatePluginConfig(options: unknown): BackgroundFetchPluginConfig {
  if (!isObject(options)) {
    throw new BackgroundFetchConfigError([
      `backgroundFetchPlugin() needs options, like {queue: {name: 'downloads', cacheName: 'media'}}.`,
    ]);
  }
  const issues: string[] = [];
  check(pluginConfigSchema, options, [], issues);
  if (issues.length > 0) {
    throw new BackgroundFetchConfigError(
      issues.map((issue) => `backgroundFetchPlugin() option ${issue}`),
    );
  }
  const {swDest, importScriptsUrl} = options as {swDest?: string; importScriptsUrl?: string};
  if (swDest === undefined && importScriptsUrl === undefined) {
    throw new BackgroundFetchConfigError([
      `backgroundFetchPlugin() needs swDest: the same path as your config's swDest, like ` +
        `backgroundFetchPlugin({queue: …, swDest: 'dist/sw.js'}). The worker loads the runtime with ` +
        `importScripts(), and the plugin copies it next to the worker when the worker is written. ` +
        `(Serving the runtime yourself? Give importScriptsUrl instead.)`,
    ]);
  }
  if (swDest !== undefined && importScriptsUrl !== undefined) {
    throw new BackgroundFetchConfigError([
      `backgroundFetchPlugin() takes swDest (the runtime is copied next to the worker) or ` +
        `importScriptsUrl (you serve the runtime yourself), not both.`,
    ]);
  }
  return options as unknown as BackgroundFetchPluginConfig;
}
