#!/usr/bin/env node
/*
  Builds every package:
  - ESM + .d.ts with `tsc -b` (project references);
  - self-contained IIFE bundles with esbuild, in a development flavour
    (asserts and logs kept) and a production flavour (process.env.NODE_ENV
    replaced by "production", minified, so dev-only code is dropped);
  - prints each runtime entry's size, minified + brotli.
*/
import {execFileSync} from 'node:child_process';
import {copyFileSync, readFileSync, mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {brotliCompressSync, constants} from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One IIFE per browser-facing package. */
export const bundles = [
  {
    pkg: 'workbox-background-fetch',
    entry: 'src/index.ts',
    globalName: 'workbox.backgroundFetch',
    file: 'workbox-background-fetch',
  },
  {
    pkg: 'workbox-background-fetch-window',
    entry: 'src/index.ts',
    globalName: 'workbox.backgroundFetchWindow',
    file: 'workbox-background-fetch-window',
  },
  // The native-API polyfills: side effects only, no global name. The
  // production flavour is also written as `polyfill.js`, the name users
  // load (`importScripts('…/polyfill.js')`, `<script src="…/polyfill.js">`).
  {
    pkg: 'workbox-background-fetch',
    entry: 'src/polyfill.ts',
    file: 'polyfill',
    alias: 'polyfill.js',
    // Its budget: at most 2 KiB (brotli) more than the runtime bundle.
    over: 'workbox-background-fetch/dist/iife/workbox-background-fetch.prod.js',
  },
  {
    pkg: 'workbox-background-fetch-window',
    entry: 'src/polyfill.ts',
    file: 'polyfill',
    alias: 'polyfill.js',
  },
];

function brotliSize(buffer) {
  return brotliCompressSync(buffer, {
    params: {[constants.BROTLI_PARAM_QUALITY]: 11},
  }).length;
}

async function buildBundles() {
  const sizes = [];
  for (const bundle of bundles) {
    const pkgDir = join(root, 'packages', bundle.pkg);
    const outDir = join(pkgDir, 'dist', 'iife');
    mkdirSync(outDir, {recursive: true});
    for (const mode of ['development', 'production']) {
      const production = mode === 'production';
      const outfile = join(
        outDir,
        `${bundle.file}.${production ? 'prod' : 'dev'}.js`,
      );
      await esbuild.build({
        entryPoints: [join(pkgDir, bundle.entry)],
        bundle: true,
        format: 'iife',
        globalName: bundle.globalName,
        platform: 'browser',
        target: ['chrome100', 'firefox100', 'safari15'],
        define: {'process.env.NODE_ENV': JSON.stringify(mode)},
        minify: production,
        // Private `_` members are mangled in production: they must never
        // cross IndexedDB, postMessage or config serialization.
        mangleProps: production ? /^_[a-zA-Z]/ : undefined,
        reserveProps: /^__/,
        sourcemap: true,
        legalComments: 'none',
        outfile,
        logLevel: 'warning',
      });
      if (production) {
        const code = readFileSync(outfile);
        if (bundle.alias) {
          copyFileSync(outfile, join(outDir, bundle.alias));
        }
        sizes.push({
          file: `${bundle.pkg}/dist/iife/${bundle.file}.prod.js`,
          minified: code.length,
          brotli: brotliSize(code),
          over: bundle.over,
        });
      }
    }
  }
  return sizes;
}

execFileSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
const sizes = await buildBundles();
for (const {file, minified, brotli, over} of sizes) {
  const base = over && sizes.find((size) => size.file === over);
  const extra = base
    ? `, ${((brotli - base.brotli) / 1024).toFixed(1)} KiB brotli more than ${over}`
    : '';
  console.log(
    `size: ${file}  ${(minified / 1024).toFixed(1)} KiB minified, ` +
      `${(brotli / 1024).toFixed(1)} KiB brotli${extra}`,
  );
}
