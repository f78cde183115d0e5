import {copyFileSync, existsSync, mkdirSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {runtimePackageRoot, runtimeVersion} from './runtime-paths.js';

/**
 * The runtime file a worker loads with `importScripts()`, relative to the
 * worker: `workbox-background-fetch-v<version>/workbox-background-fetch.<prod|dev>.js`.
 *
 * @private
 */
export function runtimeScriptPath(mode: 'production' | 'development'): string {
  return `workbox-background-fetch-v${runtimeVersion()}/workbox-background-fetch.${
    mode === 'production' ? 'prod' : 'dev'
  }.js`;
}

/**
 * Copies the runtime file of `mode` (and its source map) next to `swDest`,
 * where `runtimeScriptPath(mode)` points: only the file the worker loads, so
 * a `**\/*.js` precache pattern never picks up the other bundles.
 * Synchronous: it runs while workbox-build writes the worker.
 *
 * @param swDest The worker file (relative to the current folder, as
 *     workbox-build reads it).
 * @return The copied script's absolute path.
 * @throws Error naming the missing file and the fix, which fails the build.
 * @private
 */
export function copyRuntimeNextTo(swDest: string, mode: 'production' | 'development'): string {
  const relative = runtimeScriptPath(mode);
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  const source = join(runtimePackageRoot(), 'dist', 'iife', name);
  if (!existsSync(source)) {
    throw new Error(
      `backgroundFetchPlugin(): the runtime file ${source} is missing, so it cannot be copied next to ` +
        `${swDest}. Reinstall workbox-background-fetch (in its repository: npm run build).`,
    );
  }
  const dest = resolve(dirname(resolve(swDest)), relative);
  mkdirSync(dirname(dest), {recursive: true});
  copyFileSync(source, dest);
  if (existsSync(`${source}.map`)) {
    copyFileSync(`${source}.map`, `${dest}.map`);
  }
  return dest;
}
