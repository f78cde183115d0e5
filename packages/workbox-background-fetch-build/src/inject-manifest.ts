import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import * as workboxBuild from 'workbox-build';
import type {InjectManifestOptions} from 'workbox-build';
import {bundle, describeBundleError} from './lib/bundle.js';
import type {BundleOutput} from './lib/bundle.js';
import {BackgroundFetchConfigError} from './lib/config-error.js';
import {DEFAULT_GLOB_IGNORES, globRelative} from './lib/paths.js';
import {bundleOptions, validateInjectManifestConfig} from './lib/validate-config.js';
import {queuesModuleSource} from './lib/worker-entry-source.js';
import type {BuildResult, InjectManifestConfig} from './types.js';

const QUEUES_MODULE = 'workbox-background-fetch:queues';

/**
 * workbox-build's `injectManifest`, after bundling your worker with
 * esbuild, so it can `import {BackgroundFetchQueue} from
 * 'workbox-background-fetch'` (and any other package) and still be one
 * classic script.
 *
 * - `bundle` (default `true`): `{mode, minify, sourcemap}`; `false` only
 *   injects the manifest, like workbox-build.
 * - `backgroundFetch: {queues}`: these queues are created before your
 *   code runs, and exposed as `self.workbox.backgroundFetchQueues[name]`;
 *   give their names to `new BackgroundFetchPlugin('downloads')`.
 *
 * Every `workbox-*` module resolves to one copy (yours first), so the
 * runtime sees the routes you register: a queue writes a finished record
 * through the strategy of your route that matches its URL.
 *
 * ```js
 * const {injectManifest} = require('workbox-background-fetch-build');
 *
 * await injectManifest({
 *   swSrc: 'src/sw.js',
 *   swDest: 'dist/sw.js',
 *   globDirectory: 'dist',
 *   backgroundFetch: {queues: [{name: 'downloads'}]},
 * });
 * ```
 *
 * @param config workbox-build's `injectManifest` config plus
 *     `backgroundFetch` and `bundle`.
 * @return workbox-build's result.
 * @throws BackgroundFetchConfigError when `backgroundFetch` or `bundle` are
 *     wrong (workbox-build's own errors for its options).
 */
export async function injectManifest(config: InjectManifestConfig): Promise<BuildResult> {
  const checked = validateInjectManifestConfig(config);
  const {backgroundFetch, bundle: bundleConfig, ...workboxConfig} = checked;
  const options = bundleOptions(bundleConfig);
  if (
    !options ||
    typeof workboxConfig.swSrc !== 'string' ||
    typeof workboxConfig.swDest !== 'string'
  ) {
    // Nothing to bundle, or a config workbox-build rejects with its own message.
    return workboxBuild.injectManifest(workboxConfig as InjectManifestOptions);
  }
  const swSrc = resolve(workboxConfig.swSrc);
  const swDest = resolve(workboxConfig.swDest);
  if (swSrc === swDest) {
    throw new BackgroundFetchConfigError([
      `swSrc and swDest are the same file (${workboxConfig.swSrc}): injectManifest ` +
        `bundles swSrc and writes the result to swDest. Point swDest elsewhere, ` +
        `like 'dist/sw.js'.`,
    ]);
  }
  const appDir = dirname(swSrc);

  let output: BundleOutput;
  try {
    output = await bundle(
      backgroundFetch
        ? {
            contents: `import ${JSON.stringify(QUEUES_MODULE)};\nimport ${JSON.stringify(swSrc)};\n`,
            resolveDir: appDir,
            // Not swSrc's own name: esbuild would take the entry for swSrc itself.
            sourcefile: 'workbox-background-fetch-entry.js',
          }
        : {file: swSrc},
      {
        ...options,
        outfile: swDest,
        appDir,
        virtualModules: backgroundFetch
          ? {
              [QUEUES_MODULE]: {
                contents: queuesModuleSource(backgroundFetch.queues),
                resolveDir: appDir,
              },
            }
          : {},
      },
    );
  } catch (error) {
    const reason = describeBundleError(error) ?? (error as Error).message;
    throw new Error(`Could not bundle ${workboxConfig.swSrc}: ${reason}`, {cause: error});
  }

  const temporary = await mkdtemp(join(tmpdir(), 'workbox-background-fetch-'));
  try {
    const bundled = join(temporary, basename(swDest));
    const mapName = `${basename(swDest)}.map`;
    await writeFile(
      bundled,
      output.map ? `${output.code}//# sourceMappingURL=${mapName}\n` : output.code,
    );
    if (output.map) {
      await writeFile(join(temporary, mapName), output.map);
    }
    const workboxOptions: InjectManifestOptions = {
      ...(workboxConfig as InjectManifestOptions),
      swSrc: bundled,
    };
    if (workboxConfig.globDirectory) {
      // workbox-build leaves swSrc out of the manifest; swSrc is now the bundle.
      workboxOptions.globIgnores = [
        ...(workboxConfig.globIgnores ?? DEFAULT_GLOB_IGNORES),
        globRelative(workboxConfig.globDirectory, swSrc),
      ];
    }
    return await workboxBuild.injectManifest(workboxOptions);
  } finally {
    await rm(temporary, {recursive: true, force: true});
  }
}
