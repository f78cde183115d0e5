/*
  Builds an example's site into examples/<name>/build/site:
  - copies public/ and the shared control bar (client/control-bar.js);
  - bundles the page script with esbuild;
  - bundles the service worker with esbuild — one copy of workbox-routing
    shared by the app's routes and workbox-background-fetch, as any app that
    uses routes must — with a precache manifest of the app shell injected
    as `self.__WB_MANIFEST` (what workbox-build's injectManifest does).
*/
import {createHash} from 'node:crypto';
import {cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync} from 'node:fs';
import {dirname, join, relative, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const CONTROL_BAR = join(here, '..', 'client', 'control-bar.js');

/** Every file under `dir`, as paths relative to it with `/` separators. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/**
 * A precache manifest (`[{url, revision}]`) of the files under `siteDir`
 * whose paths pass `include` and not `exclude`.
 */
export function precacheManifest(siteDir, {include = () => true, exclude = () => false} = {}) {
  return listFiles(siteDir)
    .filter((p) => include(p) && !exclude(p))
    .map((p) => ({
      url: `/${p}`,
      revision: createHash('md5')
        .update(readFileSync(join(siteDir, p)))
        .digest('hex')
        .slice(0, 12),
    }));
}

/**
 * Builds the site of the example in `exampleDir`.
 *
 * @param {object} options
 * @param {string} options.exampleDir examples/<name>
 * @param {string} [options.siteDir] Default `<exampleDir>/build/site`.
 * @param {'development' | 'production'} [options.mode] Default development
 *   (the libraries log what they do in the consoles).
 * @param {Record<string, string>} [options.pages] Page bundles: output file →
 *   entry (relative to exampleDir). Default `{'app.js': 'src/app.ts'}`.
 * @param {string} [options.worker] The worker entry (default `src/sw.ts`),
 *   bundled to `sw.js`.
 * @param {(path: string) => boolean} [options.precacheExclude] Files of the
 *   site that are not app shell (large media): left out of the manifest.
 * @returns {Promise<{siteDir: string, manifest: {url: string, revision: string}[]}>}
 */
export async function buildSite(options) {
  const {exampleDir} = options;
  const siteDir = options.siteDir ?? join(exampleDir, 'build', 'site');
  const mode = options.mode ?? 'development';
  const pages = options.pages ?? {'app.js': 'src/app.ts'};
  const worker = options.worker ?? 'src/sw.ts';
  mkdirSync(siteDir, {recursive: true});

  if (existsSync(join(exampleDir, 'public'))) {
    cpSync(join(exampleDir, 'public'), siteDir, {recursive: true});
  }
  cpSync(CONTROL_BAR, join(siteDir, 'control-bar.js'));

  const common = {
    bundle: true,
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    define: {'process.env.NODE_ENV': JSON.stringify(mode)},
    minify: mode === 'production',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
  for (const [out, entry] of Object.entries(pages)) {
    await esbuild.build({
      ...common,
      entryPoints: [join(exampleDir, entry)],
      format: 'iife',
      outfile: join(siteDir, out),
    });
  }

  const manifest = precacheManifest(siteDir, {
    exclude: (p) => p === 'sw.js' || p.endsWith('.map') || (options.precacheExclude?.(p) ?? false),
  });
  await esbuild.build({
    ...common,
    entryPoints: [join(exampleDir, worker)],
    format: 'iife',
    outfile: join(siteDir, 'sw.js'),
    define: {...common.define, 'self.__WB_MANIFEST': JSON.stringify(manifest)},
  });
  return {siteDir, manifest};
}
