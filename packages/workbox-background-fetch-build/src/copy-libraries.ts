import {copyFile, mkdir} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {libraryFiles, runtimePackageRoot, runtimeVersion} from './lib/runtime-paths.js';

/**
 * Copies the prebuilt runtime (`workbox-background-fetch.{dev,prod}.js`,
 * global `workbox.backgroundFetch`) and page (`workbox-background-fetch-window.{dev,prod}.js`,
 * global `workbox.backgroundFetchWindow`) bundles, with their source maps,
 * into `<destDirectory>/workbox-background-fetch-v<version>/`, like
 * workbox-build's `copyWorkboxLibraries`. For workers that load the runtime
 * with `importScripts()` (see `backgroundFetchPlugin()`), and pages without
 * a bundler.
 *
 * ```js
 * const {copyBackgroundFetchLibraries} = require('workbox-background-fetch-build');
 * const folder = await copyBackgroundFetchLibraries('dist');
 * ```
 *
 * @param destDirectory The folder to create the library folder in.
 * @return The absolute path of the library folder.
 */
export async function copyBackgroundFetchLibraries(destDirectory: string): Promise<string> {
  const files = libraryFiles();
  if (!files.some((file) => file.name === 'workbox-background-fetch.prod.js')) {
    throw new Error(
      `The runtime's prebuilt bundles are missing from ` +
        `${join(runtimePackageRoot(), 'dist', 'iife')}: build workbox-background-fetch first.`,
    );
  }
  const folder = join(resolve(destDirectory), `workbox-background-fetch-v${runtimeVersion()}`);
  await mkdir(folder, {recursive: true});
  for (const {from, name} of files) {
    await copyFile(from, join(folder, name));
  }
  return folder;
}
