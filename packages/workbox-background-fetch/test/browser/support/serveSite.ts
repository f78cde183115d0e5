import * as esbuild from 'esbuild';
import {cpSync, existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestServer} from '@workbox-background-fetch/test-utils';

const root = join(__dirname, '..', '..', '..', '..', '..');
const windowIife = join(root, 'packages/workbox-background-fetch-window/dist/iife');

/**
 * The test workers of support/workers/ (see support/README.md):
 * - `routes`: queues behind Workbox routes and plugins (native suites);
 * - `fallback`: one queue 'dl' that logs records and updateUI() (fallback suites);
 * - `library`: backgroundFetchRecipe() queues with the downloads library.
 */
export type TestWorker = 'routes' | 'fallback' | 'library';

/** Options of {@link serveSite}. */
export interface ServeSiteOptions {
  /** Which test worker becomes `/sw.js`. */
  worker: TestWorker;
  /** Baked into the worker as `WORKER_OPTIONS` (what each worker does with it: its header comment). */
  options?: Record<string, unknown>;
  /** `process.env.NODE_ENV` of the worker bundle (default `development`). */
  mode?: 'development' | 'production';
  /**
   * More esbuild options for the worker bundle, made once the site folder
   * exists (e.g. to place a second copy of a package there and resolve to
   * it: dev-warnings.test.ts).
   */
  buildOptions?: (siteDir: string) => esbuild.BuildOptions;
}

/**
 * Serves the test site at the server's root: support/site (index.html,
 * frame.html, the page helpers `fb`) plus the chosen worker bundled with
 * esbuild to `/sw.js`; the window package's IIFE under /lib/. Fails with the
 * command to run when the packages were not built. Resolves with the folder
 * the site was written to.
 */
export async function serveSite(
  server: TestServer,
  {worker, options = {}, mode = 'development', buildOptions}: ServeSiteOptions,
): Promise<string> {
  if (!existsSync(join(windowIife, 'workbox-background-fetch-window.dev.js'))) {
    throw new Error('The packages are not built: run `npm run build` first.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'wbf-site-'));
  cpSync(join(__dirname, 'site'), dir, {recursive: true});
  await esbuild.build({
    entryPoints: [join(__dirname, 'workers', `${worker}.ts`)],
    bundle: true,
    format: 'iife',
    outfile: join(dir, 'sw.js'),
    define: {
      'process.env.NODE_ENV': JSON.stringify(mode),
      WORKER_OPTIONS: JSON.stringify(options),
    },
    logLevel: 'warning',
    ...buildOptions?.(dir),
  });
  server.serveDir('/lib/', windowIife);
  server.serveDir('/', dir);
  return dir;
}
