#!/usr/bin/env node
/*
  Entry of `npm run bench` (see bench/README.md): bundles the TypeScript
  driver (bench/src, with the test-utils it imports) for Node with esbuild,
  then runs it with the command-line arguments.
*/
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// Inside node_modules, so that the bundle finds the external packages.
const outDir = join(here, '..', 'node_modules', '.cache', 'workbox-background-fetch-bench');
mkdirSync(outDir, {recursive: true});
const outfile = join(outDir, 'bench.cjs');
await esbuild.build({
  entryPoints: [join(here, 'src', 'cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  // Loaded from node_modules at run time (they find their own files).
  external: ['playwright-core', 'puppeteer-core', 'selenium-webdriver', 'esbuild'],
  // __dirname of the bundle must be bench/src, as in the sources.
  define: {__dirname: JSON.stringify(join(here, 'src'))},
  sourcemap: 'inline',
  logLevel: 'warning',
});
const require = createRequire(import.meta.url);
try {
  await require(outfile).main(process.argv.slice(2));
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
