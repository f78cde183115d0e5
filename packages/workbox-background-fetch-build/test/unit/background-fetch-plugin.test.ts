import {mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as vm from 'node:vm';
import * as esbuild from 'esbuild';
import * as workboxBuild from 'workbox-build';
import {backgroundFetchPlugin} from '../../src/background-fetch-plugin';
import {packageRoot, runtimePackageRoot, runtimeVersion} from '../../src/lib/runtime-paths';
import {runWorker} from './helpers/fake-service-worker';
import {STUB_RUNTIME_SOURCE} from './helpers/stub-runtime';

jest.setTimeout(60_000);

/** The stub runtime built like the real IIFE: global `workbox.backgroundFetch`. */
async function stubIife(): Promise<string> {
  const result = await esbuild.build({
    stdin: {contents: STUB_RUNTIME_SOURCE, resolveDir: packageRoot, loader: 'js'},
    bundle: true,
    format: 'iife',
    globalName: 'workbox.backgroundFetch',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe('backgroundFetchPlugin()', () => {
  test('gives the importScripts entry where it copies the runtime', () => {
    const version = runtimeVersion();
    expect(backgroundFetchPlugin({queue: 'downloads', swDest: 'dist/sw.js'}).importScripts).toBe(
      `workbox-background-fetch-v${version}/workbox-background-fetch.prod.js`,
    );
    expect(
      backgroundFetchPlugin({queue: 'downloads', swDest: 'dist/sw.js', mode: 'development'})
        .importScripts,
    ).toBe(`workbox-background-fetch-v${version}/workbox-background-fetch.dev.js`);
    expect(
      backgroundFetchPlugin({queue: 'downloads', importScriptsUrl: '/lib/wbf.js'}).importScripts,
    ).toBe('/lib/wbf.js');
  });

  test('without swDest or importScriptsUrl, fails at once saying what to add', () => {
    expect(() => backgroundFetchPlugin({queue: 'downloads'})).toThrow(
      "backgroundFetchPlugin() needs swDest: the same path as your config's swDest, like " +
        "backgroundFetchPlugin({queue: …, swDest: 'dist/sw.js'}). The worker loads the runtime with " +
        'importScripts(), and the plugin copies it next to the worker when the worker is written. ' +
        '(Serving the runtime yourself? Give importScriptsUrl instead.)',
    );
    expect(() =>
      backgroundFetchPlugin({
        queue: 'downloads',
        swDest: 'dist/sw.js',
        importScriptsUrl: '/lib/wbf.js',
      }),
    ).toThrow('backgroundFetchPlugin() takes swDest (the runtime is copied next to the worker) or');
  });

  test('is an object literal of plugin callbacks only, as workbox-build requires', () => {
    const {plugin} = backgroundFetchPlugin({queue: 'downloads', swDest: 'dist/sw.js'});
    expect(Object.keys(plugin)).toEqual(['fetchDidFail']);
    const withResponse = backgroundFetchPlugin({
      queue: 'downloads',
      swDest: 'dist/sw.js',
      responseWhileQueued: 'later',
    });
    expect(Object.keys(withResponse.plugin)).toEqual(['fetchDidFail', 'handlerDidError']);
  });

  test('its serialized form says clearly when the runtime was not loaded', () => {
    const {plugin} = backgroundFetchPlugin({queue: 'downloads', importScriptsUrl: '/lib/wbf.js'});
    const context = vm.createContext({});
    vm.runInContext('var self = this;', context);
    expect(() => vm.runInContext(String(plugin.fetchDidFail), context)).toThrow(
      'workbox-background-fetch: the runtime is not loaded. Add "/lib/wbf.js" to importScripts in your ' +
        'workbox-build config, and serve the runtime at that URL.',
    );
  });

  describe('the two-liner with swDest, in a plain workbox-build config precaching **/*.js', () => {
    let dist: string;
    let count: number;
    let manifestUrls: string[];
    beforeAll(async () => {
      dist = mkdtempSync(join(tmpdir(), 'wbf-two-liner-'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html>');
      writeFileSync(join(dist, 'app.js'), 'console.log(1);');
      const build = async () => {
        const downloads = backgroundFetchPlugin({
          queue: {name: 'downloads', cacheName: 'media'},
          swDest: join(dist, 'sw.js'),
        });
        const result = await workboxBuild.generateSW({
          globDirectory: dist,
          globPatterns: ['**/*.{html,js}'],
          swDest: join(dist, 'sw.js'),
          importScripts: [downloads.importScripts],
          runtimeCaching: [
            {
              urlPattern: /\/media\//,
              handler: 'CacheFirst',
              options: {cacheName: 'media', plugins: [downloads.plugin]},
            },
          ],
        });
        return result;
      };
      await build();
      // A second build sees the copied runtime while globbing.
      ({count} = await build());
      const source = readFileSync(join(dist, 'sw.js'), 'utf8');
      manifestUrls = [...source.matchAll(/url:"([^"]+)"/g)].map((match) => match[1]).sort();
    });

    test('copies the runtime importScripts loads next to the worker, and nothing else', () => {
      const folder = `workbox-background-fetch-v${runtimeVersion()}`;
      expect(readdirSync(join(dist, folder)).sort()).toEqual([
        'workbox-background-fetch.prod.js',
        'workbox-background-fetch.prod.js.map',
      ]);
      expect(readFileSync(join(dist, folder, 'workbox-background-fetch.prod.js'))).toEqual(
        readFileSync(
          join(runtimePackageRoot(), 'dist', 'iife', 'workbox-background-fetch.prod.js'),
        ),
      );
      expect(readFileSync(join(dist, 'sw.js'), 'utf8')).toContain(
        `importScripts("${folder}/workbox-background-fetch.prod.js")`,
      );
    });

    test('**/*.js precaches no development bundle', () => {
      expect(count).toBe(3);
      expect(manifestUrls).toEqual([
        'app.js',
        'index.html',
        `workbox-background-fetch-v${runtimeVersion()}/workbox-background-fetch.prod.js`,
      ]);
    });
  });

  describe('in a plain workbox-build generateSW config', () => {
    let dist: string;
    beforeAll(async () => {
      dist = mkdtempSync(join(tmpdir(), 'wbf-plugin-'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html>');
      const downloads = backgroundFetchPlugin({
        queue: {name: 'downloads', cacheName: 'media', successUI: {title: '{id} is ready'}},
        fetchOptions: {title: 'Downloading {filename}'},
        responseWhileQueued: {body: 'queued', status: 202, headers: {'Content-Type': 'text/plain'}},
        importScriptsUrl: 'lib/workbox-background-fetch.prod.js',
      });
      mkdirSync(join(dist, 'lib'));
      writeFileSync(join(dist, 'lib', 'workbox-background-fetch.prod.js'), await stubIife());
      await workboxBuild.generateSW({
        globDirectory: dist,
        globIgnores: ['lib/**'],
        swDest: join(dist, 'sw.js'),
        importScripts: [downloads.importScripts],
        runtimeCaching: [
          {
            urlPattern: /\/media\//,
            handler: 'CacheFirst',
            options: {cacheName: 'media', plugins: [downloads.plugin]},
          },
          {
            urlPattern: /\/video\//,
            handler: 'CacheFirst',
            options: {cacheName: 'media', plugins: [downloads.plugin]},
          },
        ],
      });
    });

    test('survives workbox-build: the worker creates the queue once, at start-up', async () => {
      const worker = await runWorker(join(dist, 'sw.js'));
      const {queues, plugins} = worker.self.stubRuntime;
      expect(queues.map((queue: {name: string}) => queue.name)).toEqual(['downloads']);
      expect(queues[0].options.cacheName).toBe('media');
      // Two routes × two callbacks, each from a plugin of the queue's name.
      expect(plugins).toHaveLength(4);
      for (const plugin of plugins) {
        expect(plugin.queue).toBe('downloads');
      }
      const updateUI = jest.fn(async () => undefined);
      await queues[0].options.onSuccess({registration: {id: 'ep-5'}, updateUI});
      expect(updateUI).toHaveBeenCalledWith({title: 'ep-5 is ready'});
    });

    test("the route's strategy calls the runtime plugin's callbacks", async () => {
      const worker = await runWorker(join(dist, 'sw.js'));
      const [plugin] = worker.self.stubRuntime.plugins;
      expect(
        plugin.options.fetchOptions(new Request('https://app.example/media/ep-5.mp3')),
      ).toEqual({
        title: 'Downloading ep-5.mp3',
      });
      // Offline: CacheFirst misses, its fetch fails, the plugin hands off
      // the request and answers with responseWhileQueued.
      const response = (await worker.dispatchFetch('/media/ep-5.mp3')) as Response;
      expect(worker.self.stubRuntime.events).toContain(
        'fetchDidFail:https://app.example/media/ep-5.mp3',
      );
      expect(response.status).toBe(202);
      expect(await response.text()).toBe('queued');
    });
  });
});
