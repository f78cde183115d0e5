import {toSource} from './to-source.js';
import {pluginOptionsSource} from './queue-source.js';
import type {BackgroundFetchRoute} from './validate-config.js';

/** The imports generated code needs: module specifier → imported names. @private */
export type Imports = Map<string, Set<string>>;

function use(imports: Imports, module: string, name: string): string {
  const names = imports.get(module) ?? new Set<string>();
  names.add(name);
  imports.set(module, names);
  return name;
}

/**
 * `new CacheFirst({cacheName, plugins: […]})` for a route tied to a queue:
 * the same strategy, options and plugins workbox-build would build for the
 * entry (plugins in the order of the entry's option keys), plus a
 * `BackgroundFetchPlugin` of the route's queue.
 *
 * @param route The entry and its index in `runtimeCaching`.
 * @param queue An expression for the route's queue.
 * @param imports Collects the imports the code needs.
 * @private
 */
export function strategySource(
  route: BackgroundFetchRoute,
  queue: string,
  imports: Imports,
): string {
  const {entry, index} = route;
  const at = `runtimeCaching[${index}].options`;
  const handlerOptions: string[] = [];
  const plugins: string[] = [];
  for (const [key, value] of Object.entries(entry.options)) {
    if (value === undefined || value === null) {
      continue;
    }
    switch (key) {
      case 'cacheName':
      case 'networkTimeoutSeconds':
      case 'fetchOptions':
      case 'matchOptions':
        handlerOptions.push(`${key}: ${toSource(value, `${at}.${key}`)}`);
        break;
      case 'backgroundSync': {
        const {name, options} = value as {name: string; options?: object};
        const plugin = use(
          imports,
          'workbox-background-sync/BackgroundSyncPlugin.js',
          'BackgroundSyncPlugin',
        );
        plugins.push(
          `new ${plugin}(${JSON.stringify(name)}${
            options ? `, ${toSource(options, `${at}.backgroundSync.options`)}` : ''
          })`,
        );
        break;
      }
      case 'broadcastUpdate': {
        const {channelName, options} = value as {channelName?: string; options: object};
        const plugin = use(
          imports,
          'workbox-broadcast-update/BroadcastUpdatePlugin.js',
          'BroadcastUpdatePlugin',
        );
        plugins.push(
          `new ${plugin}(${toSource({channelName, ...options}, `${at}.broadcastUpdate`)})`,
        );
        break;
      }
      case 'cacheableResponse': {
        const plugin = use(
          imports,
          'workbox-cacheable-response/CacheableResponsePlugin.js',
          'CacheableResponsePlugin',
        );
        plugins.push(`new ${plugin}(${toSource(value, `${at}.cacheableResponse`)})`);
        break;
      }
      case 'expiration': {
        const plugin = use(imports, 'workbox-expiration/ExpirationPlugin.js', 'ExpirationPlugin');
        plugins.push(`new ${plugin}(${toSource(value, `${at}.expiration`)})`);
        break;
      }
      case 'rangeRequests': {
        if (value === true) {
          const plugin = use(
            imports,
            'workbox-range-requests/RangeRequestsPlugin.js',
            'RangeRequestsPlugin',
          );
          plugins.push(`new ${plugin}()`);
        }
        break;
      }
      case 'plugins':
        (value as unknown[]).forEach((plugin, position) => {
          plugins.push(toSource(plugin, `${at}.plugins[${position}]`));
        });
        break;
      default:
        // backgroundFetch is added last, below; validation rejected the rest.
        break;
    }
  }
  const backgroundFetchPlugin = use(imports, 'workbox-background-fetch', 'BackgroundFetchPlugin');
  plugins.push(
    `new ${backgroundFetchPlugin}(${queue}, ${pluginOptionsSource(
      entry.options.backgroundFetch,
      `${at}.backgroundFetch`,
    )})`,
  );
  const strategy = use(
    imports,
    `workbox-strategies/${entry.handler as string}.js`,
    entry.handler as string,
  );
  return `new ${strategy}({${[...handlerOptions, `plugins: [${plugins.join(', ')}]`].join(', ')}})`;
}

/**
 * A `Route` that matches what the entry's `urlPattern` matches in
 * workbox-routing's `registerRoute()`: a RegExp, a whole-URL string, or a
 * match function.
 *
 * @param route The entry and its index in `runtimeCaching`.
 * @param handler An expression for the route's strategy.
 * @param imports Collects the imports the code needs.
 * @private
 */
export function routeSource(
  route: BackgroundFetchRoute,
  handler: string,
  imports: Imports,
): string {
  const {entry, index} = route;
  const method = JSON.stringify(entry.method ?? 'GET');
  const pattern = entry.urlPattern;
  if (typeof pattern === 'string') {
    const routeClass = use(imports, 'workbox-routing/Route.js', 'Route');
    return (
      `new ${routeClass}(({url}) => url.href === new URL(${JSON.stringify(pattern)}, ` +
      `self.location.href).href, ${handler}, ${method})`
    );
  }
  if (typeof pattern === 'function') {
    const routeClass = use(imports, 'workbox-routing/Route.js', 'Route');
    return `new ${routeClass}(${toSource(pattern, `runtimeCaching[${index}].urlPattern`)}, ${handler}, ${method})`;
  }
  const routeClass = use(imports, 'workbox-routing/RegExpRoute.js', 'RegExpRoute');
  return `new ${routeClass}(${String(pattern)}, ${handler}, ${method})`;
}
