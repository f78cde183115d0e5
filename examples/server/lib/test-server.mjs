/*
  The examples serve files with the project's own test server
  (packages/test-utils/src/server.ts: Range, If-Range, strong ETags, a global
  throttle, "offline" that destroys every socket, a request log). It is
  TypeScript, so it is compiled once with esbuild into build/ and imported
  from there; the compiled file is rebuilt whenever the source is newer.
*/
import {existsSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
const source = join(repoRoot, 'packages', 'test-utils', 'src', 'server.ts');
const compiled = join(here, '..', 'build', 'test-server.mjs');

/**
 * Imports `startTestServer` and friends from packages/test-utils.
 *
 * @returns {Promise<typeof import('../../../packages/test-utils/src/server')>}
 */
export async function loadTestServer() {
  const stale = !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs;
  if (stale) {
    await esbuild.build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: compiled,
      logLevel: 'warning',
    });
  }
  return import(`${pathToFileURL(compiled).href}?v=${statSync(compiled).mtimeMs}`);
}
