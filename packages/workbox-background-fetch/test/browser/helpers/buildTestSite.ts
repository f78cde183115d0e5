import * as esbuild from 'esbuild';
import {mkdtempSync, cpSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestServer} from '@workbox-background-fetch/test-utils';

const root = join(__dirname, '..', '..', '..', '..', '..');
const windowIife = join(root, 'packages/workbox-background-fetch-window/dist/iife');

/**
 * Bundles the test worker (with `queueOptions` baked in as
 * TEST_QUEUE_OPTIONS) into a fresh folder with the test page, and serves it
 * at the server's root; the window package's IIFE is served under /lib/.
 * Fails with the command to run when the packages were not built.
 */
export async function serveTestSite(
  server: TestServer,
  queueOptions: Record<string, unknown> = {},
  mode: 'development' | 'production' = 'development',
): Promise<string> {
  if (!existsSync(join(windowIife, 'workbox-background-fetch-window.dev.js'))) {
    throw new Error('The packages are not built: run `npm run build` first.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'wbf-site-'));
  cpSync(join(__dirname, '..', 'fixtures', 'site'), dir, {recursive: true});
  await esbuild.build({
    entryPoints: [join(__dirname, '..', 'fixtures', 'test-worker.ts')],
    bundle: true,
    format: 'iife',
    outfile: join(dir, 'sw.js'),
    define: {
      'process.env.NODE_ENV': JSON.stringify(mode),
      TEST_QUEUE_OPTIONS: JSON.stringify(queueOptions),
    },
    logLevel: 'warning',
  });
  server.serveDir('/lib/', windowIife);
  server.serveDir('/', dir);
  return dir;
}
