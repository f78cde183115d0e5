import {createHash} from 'node:crypto';
import {mkdir, readdir, unlink, writeFile} from 'node:fs/promises';
import {dirname, join, resolve} from 'node:path';
import * as workboxBuild from 'workbox-build';
import type {GenerateSWOptions, RuntimeCaching} from 'workbox-build';
import {bundle, describeBundleError} from './lib/bundle.js';
import type {BundleOutput} from './lib/bundle.js';
import {DEFAULT_GLOB_IGNORES, globRelative} from './lib/paths.js';
import {packageRoot} from './lib/runtime-paths.js';
import {validateGenerateSWConfig} from './lib/validate-config.js';
import {routeHandler, workerEntrySource} from './lib/worker-entry-source.js';
import type {BuildResult, GenerateSWConfig} from './types.js';

/** The name of the bundle generateSW writes next to the worker, before its hash. */
const BUNDLE_BASE = 'workbox-background-fetch-sw';
const BUNDLE_FILE = /^workbox-background-fetch-sw\.[0-9a-f]{8}\.js(\.map)?$/;

async function removeStaleBundles(directory: string, keep: string[]): Promise<void> {
  for (const name of await readdir(directory)) {
    if (BUNDLE_FILE.test(name) && !keep.includes(name)) {
      await unlink(join(directory, name));
    }
  }
}

/**
 * workbox-build's `generateSW`, plus Background Fetch queues wired to your
 * `runtimeCaching` routes.
 *
 * Takes workbox-build's config plus a top-level `backgroundFetch: {queues}`
 * and, per route, `options.backgroundFetch: {queue}`. Everything else goes
 * to workbox-build untouched. The generated worker:
 * - loads `workbox-background-fetch-sw.<hash>.js`, written next to
 *   `swDest` and kept out of the precache manifest: the runtime, the
 *   queues, and the strategies of the routes tied to queues;
 * - keeps every route where workbox-build puts it (same order, same
 *   matching); a tied route hands its requests to its strategy in that
 *   bundle, which carries the route's options and plugins plus a
 *   `BackgroundFetchPlugin`;
 * - so a queue's finished records whose URLs a tied route matches are
 *   written through that route's cache and plugins (expiration,
 *   cacheable response, …), and a GET the route fails to fetch becomes a job.
 *
 * ```js
 * const {generateSW} = require('workbox-background-fetch-build');
 *
 * await generateSW({
 *   globDirectory: 'dist',
 *   swDest: 'dist/sw.js',
 *   backgroundFetch: {
 *     queues: [{name: 'downloads', successUI: {title: '{id} is ready'}, clickUrl: '/library/'}],
 *   },
 *   runtimeCaching: [{
 *     urlPattern: /\/media\//,
 *     handler: 'CacheFirst',
 *     options: {cacheName: 'media', rangeRequests: true, backgroundFetch: {queue: 'downloads'}},
 *   }],
 * });
 * ```
 *
 * @param config workbox-build's `generateSW` config plus `backgroundFetch`.
 * @return workbox-build's result; `filePaths` includes the bundle.
 * @throws BackgroundFetchConfigError when `backgroundFetch` options are wrong
 *     (workbox-build's own errors for its options).
 */
export async function generateSW(config: GenerateSWConfig): Promise<BuildResult> {
  const {config: checked, routes} = validateGenerateSWConfig(config);
  const {backgroundFetch, ...workboxConfig} = checked;
  if ((!backgroundFetch && routes.length === 0) || typeof workboxConfig.swDest !== 'string') {
    // Nothing to add, or a config workbox-build rejects with its own message.
    return workboxBuild.generateSW(workboxConfig as GenerateSWOptions);
  }

  const mode = workboxConfig.mode ?? 'production';
  const sourcemap = workboxConfig.sourcemap ?? true;
  const swDestDir = dirname(resolve(workboxConfig.swDest));
  let output: BundleOutput;
  try {
    output = await bundle(
      {
        contents: workerEntrySource({
          queues: backgroundFetch?.queues ?? [],
          routes,
          cacheId: workboxConfig.cacheId,
        }),
        resolveDir: packageRoot,
        sourcefile: `${BUNDLE_BASE}.js`,
      },
      {
        mode,
        minify: mode === 'production',
        sourcemap,
        outfile: join(swDestDir, `${BUNDLE_BASE}.js`),
      },
    );
  } catch (error) {
    const reason = describeBundleError(error) ?? (error as Error).message;
    throw new Error(
      `Could not bundle the background fetch runtime: ${reason}. Check that ` +
        `workbox-background-fetch is installed and built.`,
      {cause: error},
    );
  }
  const hash = createHash('sha256').update(output.code).digest('hex').slice(0, 8);
  const fileName = `${BUNDLE_BASE}.${hash}.js`;
  const files: Record<string, string> = {
    [fileName]: output.map ? `${output.code}//# sourceMappingURL=${fileName}.map\n` : output.code,
  };
  if (output.map) {
    files[`${fileName}.map`] = output.map;
  }

  let position = 0;
  const runtimeCaching = workboxConfig.runtimeCaching?.map((entry): RuntimeCaching => {
    if (!entry.options?.backgroundFetch) {
      return entry as RuntimeCaching;
    }
    const replaced: RuntimeCaching = {
      urlPattern: entry.urlPattern,
      handler: routeHandler(position++),
    };
    if (entry.method) {
      replaced.method = entry.method;
    }
    return replaced;
  });
  const workboxOptions: GenerateSWOptions = {
    ...(workboxConfig as GenerateSWOptions),
    importScripts: [fileName, ...(workboxConfig.importScripts ?? [])],
  };
  if (runtimeCaching) {
    workboxOptions.runtimeCaching = runtimeCaching;
  }
  if (workboxConfig.globDirectory) {
    const pattern = globRelative(
      workboxConfig.globDirectory,
      join(swDestDir, `${BUNDLE_BASE}.*.js`),
    );
    workboxOptions.globIgnores = [
      ...(workboxConfig.globIgnores ?? DEFAULT_GLOB_IGNORES),
      pattern,
      `${pattern}.map`,
    ];
  }

  const result = await workboxBuild.generateSW(workboxOptions);
  await mkdir(swDestDir, {recursive: true});
  for (const [name, contents] of Object.entries(files)) {
    await writeFile(join(swDestDir, name), contents);
  }
  await removeStaleBundles(swDestDir, Object.keys(files));
  return {
    ...result,
    filePaths: [...result.filePaths, ...Object.keys(files).map((name) => join(swDestDir, name))],
  };
}
