import * as esbuild from 'esbuild';
import {cpSync, existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {TestServer} from '@workbox-background-fetch/test-utils';

const root = join(__dirname, '..', '..', '..', '..', '..');
const windowIife = join(root, 'packages/workbox-background-fetch-window/dist/iife');

/**
 * Serves a fixture site at the server's root: the files of `fixtureDir/site`,
 * plus `fixtureDir/worker.ts` bundled to `/sw.js` with `defines` baked in
 * (each value JSON-encoded) and `process.env.NODE_ENV` set to `mode`; the
 * window package's IIFE under /lib/. Fails with the command to run when the
 * packages were not built.
 */
export async function serveFixtureSite(
  server: TestServer,
  fixtureDir: string,
  defines: Record<string, unknown>,
  mode: 'development' | 'production' = 'development',
): Promise<void> {
  if (!existsSync(join(windowIife, 'workbox-background-fetch-window.dev.js'))) {
    throw new Error('The packages are not built: run `npm run build` first.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'wbf-fixture-site-'));
  cpSync(join(fixtureDir, 'site'), dir, {recursive: true});
  await esbuild.build({
    entryPoints: [join(fixtureDir, 'worker.ts')],
    bundle: true,
    format: 'iife',
    outfile: join(dir, 'sw.js'),
    define: {
      'process.env.NODE_ENV': JSON.stringify(mode),
      ...Object.fromEntries(
        Object.entries(defines).map(([key, value]) => [key, JSON.stringify(value)]),
      ),
    },
    logLevel: 'warning',
  });
  server.serveDir('/lib/', windowIife);
  server.serveDir('/', dir);
}
