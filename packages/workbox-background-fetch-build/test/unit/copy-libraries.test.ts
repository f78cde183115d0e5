import {mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {copyBackgroundFetchLibraries} from '../../src/copy-libraries';
import * as runtimePaths from '../../src/lib/runtime-paths';

jest.mock('../../src/lib/runtime-paths', () => ({
  ...jest.requireActual('../../src/lib/runtime-paths'),
  libraryFiles: jest.fn(),
  runtimeVersion: () => '1.2.3',
}));

const libraryFiles = runtimePaths.libraryFiles as jest.MockedFunction<
  typeof runtimePaths.libraryFiles
>;

describe('copyBackgroundFetchLibraries()', () => {
  test('copies the prebuilt bundles into a versioned folder', async () => {
    const source = mkdtempSync(join(tmpdir(), 'wbf-libs-src-'));
    const names = [
      'workbox-background-fetch.dev.js',
      'workbox-background-fetch.prod.js',
      'workbox-background-fetch.prod.js.map',
      'workbox-background-fetch-window.prod.js',
    ];
    for (const name of names) {
      writeFileSync(join(source, name), name);
    }
    libraryFiles.mockReturnValue(names.map((name) => ({from: join(source, name), name})));
    const dest = mkdtempSync(join(tmpdir(), 'wbf-libs-dest-'));
    const folder = await copyBackgroundFetchLibraries(dest);
    expect(folder).toBe(join(dest, 'workbox-background-fetch-v1.2.3'));
    expect(readdirSync(folder).sort()).toEqual([...names].sort());
  });

  test('says to build the runtime when its bundles are missing', async () => {
    libraryFiles.mockReturnValue([]);
    const dest = mkdtempSync(join(tmpdir(), 'wbf-libs-dest-'));
    mkdirSync(join(dest, 'x'));
    await expect(copyBackgroundFetchLibraries(dest)).rejects.toThrow(
      /^The runtime's prebuilt bundles are missing from .*dist\/iife: build workbox-background-fetch first\.$/,
    );
  });
});
