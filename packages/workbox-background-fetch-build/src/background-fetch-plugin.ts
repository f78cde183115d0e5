import {pluginOptionsSource, queueOptionsSource} from './lib/queue-source.js';
import {copyRuntimeNextTo, runtimeScriptPath} from './lib/copy-runtime.js';
import {startupExpression} from './lib/startup-expression.js';
import {validatePluginConfig} from './lib/validate-config.js';
import {helpersSource} from './lib/worker-snippets.js';
import type {
  BackgroundFetchPluginConfig,
  BackgroundFetchPluginResult,
  SerializablePlugin,
} from './types.js';

/**
 * A `BackgroundFetchPlugin` for a plain workbox-build (or
 * workbox-webpack-plugin) config, where plugins must be object literals.
 *
 * The returned `plugin` survives workbox-build's serialization: its values
 * are expressions that reach only the global `self.workbox.backgroundFetch`,
 * which the runtime's IIFE build defines. When the worker starts, they
 * create the queue (once per name) and a `BackgroundFetchPlugin` of it. The
 * IIFE must be loaded first: that is the `importScripts` entry.
 *
 * The two lines a user adds. With `swDest` (the config's own), the plugin
 * copies the runtime file `importScripts` loads next to the worker each
 * time workbox-build writes it (nothing else: no dev bundle to precache):
 *
 * ```js
 * const {backgroundFetchPlugin} = require('workbox-background-fetch-build');
 * const downloads = backgroundFetchPlugin({queue: {name: 'downloads', cacheName: 'media'}, swDest: 'dist/sw.js'});
 *
 * module.exports = {
 *   globDirectory: 'dist',
 *   swDest: 'dist/sw.js',
 *   importScripts: [downloads.importScripts],                 // 1
 *   runtimeCaching: [{
 *     urlPattern: /\/media\//,
 *     handler: 'CacheFirst',
 *     options: {cacheName: 'media', plugins: [downloads.plugin]}, // 2
 *   }],
 * };
 * ```
 *
 * In a plain config the runtime cannot see workbox-build's routes, so
 * finished records go to the queue's `cacheName` (set it to the route's),
 * without the route's other plugins. `generateSW()` of this package has no
 * such limit.
 *
 * @param options The queue (name or config), options of handed-off jobs,
 *     `mode`, and `swDest` (or `importScriptsUrl`).
 * @return `{plugin, importScripts}`.
 * @throws BackgroundFetchConfigError when an option is wrong, or neither
 *     `swDest` nor `importScriptsUrl` is given.
 */
export function backgroundFetchPlugin(
  options: BackgroundFetchPluginConfig,
): BackgroundFetchPluginResult {
  const checked = validatePluginConfig(options);
  const queue = typeof checked.queue === 'string' ? {name: checked.queue} : checked.queue;
  const mode = checked.mode ?? 'production';
  const importScripts = checked.importScriptsUrl ?? runtimeScriptPath(mode);
  const {swDest} = checked;
  // Copied each time workbox-build writes the worker (after it globbed the
  // precache list, and after a bundler such as Vite emptied its output).
  const copyRuntime = swDest === undefined ? undefined : () => void copyRuntimeNextTo(swDest, mode);
  const name = JSON.stringify(queue.name);
  const missingRuntime = JSON.stringify(
    `workbox-background-fetch: the runtime is not loaded. Add ${JSON.stringify(importScripts)} ` +
      `to importScripts in your workbox-build config` +
      (swDest === undefined ? `, and serve the runtime at that URL.` : '.'),
  );
  const setup = [
    '(() => {',
    'const runtime = self.workbox && self.workbox.backgroundFetch;',
    `if (!runtime) { throw new Error(${missingRuntime}); }`,
    helpersSource,
    'try {',
    `new runtime.BackgroundFetchQueue(${name}, ${queueOptionsSource(queue, 'queue')});`,
    '} catch (error) {',
    "if (!error || error.code !== 'duplicate-queue-name') { throw error; }",
    '}',
    `return new runtime.BackgroundFetchPlugin(${name}, ${pluginOptionsSource(checked, 'backgroundFetchPlugin()')});`,
    '})()',
  ].join('\n');
  const plugin: SerializablePlugin = {
    fetchDidFail: startupExpression(`${setup}.fetchDidFail`, copyRuntime),
  };
  if (checked.responseWhileQueued !== undefined) {
    plugin.handlerDidError = startupExpression(`${setup}.handlerDidError`, copyRuntime);
  }
  return {plugin, importScripts};
}
