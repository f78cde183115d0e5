import {copyFile, mkdir} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {
  libraryFiles,
  runtimePackageRoot,
  runtimeVersion,
  windowPackageRoot,
} from './lib/runtime-paths.js';

/**
 * Copies the prebuilt runtime (`workbox-background-fetch.{dev,prod}.js`,
 * global `workbox.backgroundFetch`) and page (`workbox-background-fetch-window.{dev,prod}.js`,
 * global `workbox.backgroundFetchWindow`) bundles, with their source maps,
 * into `<destDirectory>/workbox-background-fetch-v<version>/`, like
 * workbox-build's `copyWorkboxLibraries`. For workers that load the runtime
 * with `importScripts()` (see `backgroundFetchPlugin()`), and pages without
 * a bundler. Fails, saying what to install or build, when either
 * package's bundles are missing: nothing is copied silently half-way.
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
  if (!files.some((file) => file.name === 'workbox-background-fetch-window.prod.js')) {
    const root = windowPackageRoot();
    throw new Error(
      root
        ? `The page library's prebuilt bundles are missing from ${join(root, 'dist', 'iife')}: ` +
            `build workbox-background-fetch-window first.`
        : `The page library workbox-background-fetch-window is not installed, so it cannot be ` +
            `copied: run npm install workbox-background-fetch-window.`,
    );
  }
  const folder = join(resolve(destDirectory), `workbox-background-fetch-v${runtimeVersion()}`);
  await mkdir(folder, {recursive: true});
  for (const {from, name} of files) {
    await copyFile(from, join(folder, name));
  }
  return folder;
}
