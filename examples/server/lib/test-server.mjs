/*
  The examples serve files with the project's own test server
  (packages/test-utils/src/server/: Range, If-Range, strong ETags, a global
  throttle, "offline" that destroys every socket, a request log). It is
  TypeScript, so it is compiled once with esbuild into build/ and imported
  from there; the compiled file is rebuilt whenever a source file is newer.
*/
import {existsSync, readdirSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
const sourceDir = join(repoRoot, 'packages', 'test-utils', 'src', 'server');
const source = join(sourceDir, 'index.ts');
const compiled = join(here, '..', 'build', 'test-server.mjs');

/**
 * Imports `startTestServer` and friends from packages/test-utils.
 *
 * @returns {Promise<typeof import('../../../packages/test-utils/src/server/index')>}
 */
export async function loadTestServer() {
  const newestSource = Math.max(
    ...readdirSync(sourceDir).map((name) => statSync(join(sourceDir, name)).mtimeMs),
  );
  const stale = !existsSync(compiled) || statSync(compiled).mtimeMs < newestSource;
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
