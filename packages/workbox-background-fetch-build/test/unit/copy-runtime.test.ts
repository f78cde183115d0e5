import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as workboxBuild from 'workbox-build';
import {backgroundFetchPlugin} from '../../src/background-fetch-plugin';

// A runtime package whose prebuilt bundles are missing.
const emptyRuntime = mkdtempSync(join(tmpdir(), 'wbf-no-runtime-'));
jest.mock('../../src/lib/runtime-paths', () => ({
  ...jest.requireActual('../../src/lib/runtime-paths'),
  runtimePackageRoot: () => emptyRuntime,
  runtimeVersion: () => '1.2.3',
}));

jest.setTimeout(60_000);

test('the two-liner fails the build, naming the runtime file it cannot copy', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'wbf-two-liner-missing-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html>');
  const downloads = backgroundFetchPlugin({queue: 'downloads', swDest: join(dist, 'sw.js')});
  await expect(
    workboxBuild.generateSW({
      globDirectory: dist,
      swDest: join(dist, 'sw.js'),
      importScripts: [downloads.importScripts],
      runtimeCaching: [
        {urlPattern: /\/media\//, handler: 'CacheFirst', options: {plugins: [downloads.plugin]}},
      ],
    }),
  ).rejects.toThrow(
    `backgroundFetchPlugin(): the runtime file ${join(emptyRuntime, 'dist', 'iife', 'workbox-background-fetch.prod.js')} ` +
      `is missing, so it cannot be copied next to ${join(dist, 'sw.js')}. Reinstall workbox-background-fetch ` +
      `(in its repository: npm run build).`,
  );
});
