import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {injectManifest} from '../../src/inject-manifest';
import {runWorker} from './helpers/fake-service-worker';

jest.mock('../../src/lib/runtime-paths', () => {
  const actual = jest.requireActual('../../src/lib/runtime-paths');
  const {createStubRuntime} = jest.requireActual('./helpers/stub-runtime');
  const stub: string = createStubRuntime();
  return {
    ...actual,
    resolveDirs: (appDir?: string) => [...(appDir ? [appDir] : []), stub, actual.packageRoot],
  };
});

jest.setTimeout(60_000);

const WORKER = `
import {precacheAndRoute} from 'workbox-precaching';
import {registerRoute} from 'workbox-routing';
import {CacheFirst} from 'workbox-strategies';
import {BackgroundFetchPlugin} from 'workbox-background-fetch';

self.stubRuntime = self.stubRuntime || {queues: [], plugins: [], events: []};
self.stubRuntime.events.push('app');
precacheAndRoute(self.__WB_MANIFEST);
const media = new CacheFirst({cacheName: 'media', plugins: [new BackgroundFetchPlugin('downloads')]});
registerRoute(/\\/media\\//, media);
self.media = media;
`;

function app(source = WORKER, name = 'sw.js'): {dir: string; dist: string; swSrc: string} {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-inject-manifest-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dir, 'src'), {recursive: true});
  mkdirSync(dist, {recursive: true});
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  const swSrc = join(dir, 'src', name);
  writeFileSync(swSrc, source);
  return {dir, dist, swSrc};
}

describe('injectManifest', () => {
  test('bundles the worker into one classic script and injects the manifest', async () => {
    const {dist, swSrc} = app();
    const result = await injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist});
    const code = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toContain('self.__WB_MANIFEST');
    expect(code).toMatch(/"url":"index\.html"/);
    expect(result.count).toBe(1);
    expect(result.filePaths).toEqual(
      expect.arrayContaining([join(dist, 'sw.js'), join(dist, 'sw.js.map')]),
    );
  });

  test('the source map points at the original source', async () => {
    const {dist, swSrc} = app();
    await injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist});
    const map = JSON.parse(readFileSync(join(dist, 'sw.js.map'), 'utf8')) as {sources: string[]};
    expect(map.sources).toContain('../src/sw.js');
    expect(readFileSync(join(dist, 'sw.js'), 'utf8')).toContain('//# sourceMappingURL=sw.js.map');
  });

  test('backgroundFetch queues are created before the app code, and see its routes', async () => {
    const {dist, swSrc} = app();
    await injectManifest({
      swSrc,
      swDest: join(dist, 'sw.js'),
      globDirectory: dist,
      backgroundFetch: {queues: [{name: 'downloads', successUI: {title: '{id} is ready'}}]},
    });
    const worker = await runWorker(join(dist, 'sw.js'));
    const {events, queues} = worker.self.stubRuntime;
    expect(events).toEqual(['queue:downloads', 'app']);
    // One copy of workbox-routing: the runtime's default router is the app's.
    expect(queues[0].destinationOf('https://app.example/media/ep-5.mp3')).toBe(worker.self.media);
    expect(worker.self.workbox.backgroundFetchQueues.downloads).toBe(queues[0]);
    expect(queues[0].options.router).toBeUndefined();
    const updateUI = jest.fn(async () => undefined);
    await queues[0].options.onSuccess({registration: {id: 'ep-5'}, updateUI});
    expect(updateUI).toHaveBeenCalledWith({title: 'ep-5 is ready'});
  });

  test('development mode keeps dev-only code and does not minify', async () => {
    const {dist, swSrc} = app();
    await injectManifest({
      swSrc,
      swDest: join(dist, 'sw.js'),
      globDirectory: dist,
      bundle: {mode: 'development', sourcemap: false},
    });
    const code = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(code).toContain('logger.debug(');
    expect(code).not.toContain('process.env.NODE_ENV');
    expect(existsSync(join(dist, 'sw.js.map'))).toBe(false);
  });

  test('TypeScript workers are bundled too', async () => {
    const {dist, swSrc} = app(
      `declare const self: {__WB_MANIFEST: unknown; manifest: unknown};\nconst manifest: unknown = self.__WB_MANIFEST;\nself.manifest = manifest;\n`,
      'sw.ts',
    );
    await injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist});
    const worker = await runWorker(join(dist, 'sw.js'));
    expect(JSON.parse(JSON.stringify(worker.self.manifest))).toEqual([
      {revision: expect.any(String), url: 'index.html'},
    ]);
  });

  test("bundle: false is workbox-build's injectManifest", async () => {
    const {dist, swSrc} = app();
    await injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist, bundle: false});
    const code = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(code).toContain("import {precacheAndRoute} from 'workbox-precaching';");
    expect(code).toMatch(/precacheAndRoute\(\[\{"revision":"[0-9a-f]+","url":"index\.html"\}\]\)/);
  });

  test('an import that cannot be resolved is one line naming the file and the module', async () => {
    const {dist, swSrc} = app(`import 'nope';\nself.__WB_MANIFEST;\n`);
    await expect(
      injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist}),
    ).rejects.toThrow(/^Could not bundle .*sw\.js: .*sw\.js:1:8: Could not resolve "nope"$/);
  });

  test('swSrc and swDest must differ', async () => {
    const {dist, swSrc} = app();
    await expect(injectManifest({swSrc, swDest: swSrc, globDirectory: dist})).rejects.toThrow(
      /swSrc and swDest are the same file/,
    );
  });

  test("a worker without the injection point gets workbox-build's error", async () => {
    const {dist, swSrc} = app(`self.addEventListener('fetch', () => {});\n`);
    await expect(
      injectManifest({swSrc, swDest: join(dist, 'sw.js'), globDirectory: dist}),
    ).rejects.toThrow(/Unable to find a place to inject the manifest/);
  });
});
