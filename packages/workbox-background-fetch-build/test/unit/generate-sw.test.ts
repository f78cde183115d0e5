import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as workboxBuild from 'workbox-build';
import {generateSW} from '../../src/generate-sw';
import type {GenerateSWConfig} from '../../src/types';
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

function app(): {dir: string; dist: string} {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-generate-sw-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'media'), {recursive: true});
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dist, 'app.js'), 'console.log("app");');
  return {dir, dist};
}

function config(dist: string, extra: Partial<GenerateSWConfig> = {}): GenerateSWConfig {
  return {
    globDirectory: dist,
    swDest: join(dist, 'sw.js'),
    backgroundFetch: {
      queues: [
        {
          name: 'downloads',
          successUI: {title: '{id} is ready'},
          failUI: {title: '{id} failed'},
          clickUrl: '/library/?job={id}',
        },
      ],
    },
    runtimeCaching: [
      {
        urlPattern: /\/api\//,
        handler: 'NetworkFirst',
        options: {cacheName: 'api'},
      },
      {
        urlPattern: /\/media\//,
        handler: 'CacheFirst',
        options: {
          cacheName: 'media',
          expiration: {maxEntries: 5},
          rangeRequests: true,
          backgroundFetch: {
            queue: 'downloads',
            fetchOptions: {title: 'Downloading {filename}'},
            responseWhileQueued: '<p>Downloading in the background</p>',
          },
        },
      },
    ],
    ...extra,
  };
}

function bundleFiles(dist: string): string[] {
  return readdirSync(dist).filter((name) => name.startsWith('workbox-background-fetch-sw.'));
}

describe('generateSW', () => {
  // workbox-build takes seconds per build: the common builds are made once.
  let production: {dist: string; result: Awaited<ReturnType<typeof generateSW>>};
  let development: {dist: string};
  beforeAll(async () => {
    const a = app();
    production = {
      dist: a.dist,
      result: await generateSW(config(a.dist, {importScripts: ['extra.js']})),
    };
    const b = app();
    await generateSW(config(b.dist, {mode: 'development', cacheId: 'my-app'}));
    development = {dist: b.dist};
  });

  test('writes the worker and a content-hashed bundle next to it, and lists both', () => {
    const {dist, result} = production;
    const [bundle, map] = bundleFiles(dist).sort();
    expect(bundle).toMatch(/^workbox-background-fetch-sw\.[0-9a-f]{8}\.js$/);
    expect(map).toBe(`${bundle}.map`);
    expect(result.filePaths).toEqual(
      expect.arrayContaining([join(dist, 'sw.js'), join(dist, bundle), join(dist, map)]),
    );
    expect(readFileSync(join(dist, bundle), 'utf8')).toContain(
      `//# sourceMappingURL=${bundle}.map`,
    );
  });

  test('the worker loads the bundle before other importScripts, and does not precache it', () => {
    const {dist, result} = production;
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    const [bundle] = bundleFiles(dist).sort();
    expect(sw).toContain(`importScripts("${bundle}","extra.js")`);
    expect(sw).not.toContain(`url:"${bundle}"`);
    expect(result.count).toBe(2); // index.html, app.js
  });

  test("a tied route hands its requests to the bundle; other routes stay workbox-build's", () => {
    const sw = readFileSync(join(development.dist, 'sw.js'), 'utf8');
    expect(sw).toContain(
      'workbox.registerRoute(/\\/media\\//, function anonymous(options) {\n' +
        '    return self.workbox.backgroundFetchRoutes[0].handle(options);\n' +
        "  }, 'GET');",
    );
    expect(sw).toContain(
      'workbox.registerRoute(/\\/api\\//, new workbox.NetworkFirst({\n    "cacheName": "api"',
    );
    expect(sw).not.toContain('"cacheName": "media"');
  });

  test('the bundle creates the queues, routes and strategies from the config', () => {
    const code = readFileSync(
      join(development.dist, bundleFiles(development.dist).sort()[0]),
      'utf8',
    );
    expect(code).toContain(
      'queues["downloads"] = new BackgroundFetchQueue("downloads", { router, onSuccess:',
    );
    expect(code).toContain(
      'routes[0] = new CacheFirst({ cacheName: "media", plugins: [new ExpirationPlugin({ "maxEntries": 5 }), ' +
        'new RangeRequestsPlugin(), new BackgroundFetchPlugin(queues["downloads"], {',
    );
    expect(code).toContain(
      'router.registerRoute(new RegExpRoute(/\\/media\\//, routes[0], "GET"));',
    );
    expect(code).toContain('self.workbox.backgroundFetchRoutes = routes;');
  });

  test('cacheId reaches the bundle, so default cache names agree', () => {
    const code = readFileSync(
      join(development.dist, bundleFiles(development.dist).sort()[0]),
      'utf8',
    );
    expect(code).toContain('setCacheNameDetails({ prefix: "my-app" });');
  });

  test('production bundles are minified; development bundles keep dev-only code', () => {
    const prod = readFileSync(
      join(production.dist, bundleFiles(production.dist).sort()[0]),
      'utf8',
    );
    const dev = readFileSync(
      join(development.dist, bundleFiles(development.dist).sort()[0]),
      'utf8',
    );
    expect(prod.length).toBeLessThan(dev.length / 2);
    expect(dev).toContain('logger.debug(');
    expect(prod).not.toContain('process.env.NODE_ENV');
    expect(dev).not.toContain('process.env.NODE_ENV');
  });

  test('the same config gives the same file name; a new config replaces the old bundle', async () => {
    const {dist} = production;
    const first = bundleFiles(dist).sort();
    await generateSW(config(dist, {importScripts: ['extra.js']}));
    expect(bundleFiles(dist).sort()).toEqual(first);
    const changed = config(dist);
    changed.backgroundFetch!.queues[0].forceFallback = true;
    await generateSW(changed);
    const second = bundleFiles(dist).sort();
    expect(second).toHaveLength(2);
    expect(second[0]).not.toBe(first[0]);
  });

  test("without backgroundFetch it is exactly workbox-build's generateSW", async () => {
    const {dist} = app();
    const plain = {globDirectory: dist, swDest: join(dist, 'sw.js'), mode: 'development'};
    await generateSW(plain);
    const ours = readFileSync(join(dist, 'sw.js'), 'utf8');
    await workboxBuild.generateSW(plain);
    expect(readFileSync(join(dist, 'sw.js'), 'utf8')).toBe(ours);
    expect(bundleFiles(dist)).toEqual([]);
  });

  test('a config mistake is reported before anything is written', async () => {
    const {dist} = app();
    const wrong = config(dist);
    (wrong.backgroundFetch!.queues[0] as unknown as Record<string, unknown>).nmae = 'x';
    await expect(generateSW(wrong)).rejects.toThrow(
      /backgroundFetch\.queues\[0\]\.nmae is not an option/,
    );
    expect(existsSync(join(dist, 'sw.js'))).toBe(false);
    expect(bundleFiles(dist)).toEqual([]);
  });

  test('workbox-build still reports mistakes in its own options', async () => {
    const {dist} = app();
    await expect(
      generateSW({...config(dist), globDirectry: dist} as GenerateSWConfig),
    ).rejects.toThrow(/globDirectry/);
  });
});

describe('the generated worker, run', () => {
  let built: string;
  beforeAll(async () => {
    built = app().dist;
    await generateSW(config(built));
  });

  test("creates the queue once, with a router that finds the tied route's strategy", async () => {
    const dist = built;
    const worker = await runWorker(join(dist, 'sw.js'));
    const {queues, plugins} = worker.self.stubRuntime;
    expect(queues.map((queue: {name: string}) => queue.name)).toEqual(['downloads']);
    const queue = queues[0];
    expect(queue.options.router).toBeDefined();

    const strategy = worker.self.workbox.backgroundFetchRoutes[0];
    expect(queue.destinationOf('https://app.example/media/ep-5.mp3')).toBe(strategy);
    expect(queue.destinationOf('https://app.example/api/list')).toBeUndefined();
    expect(strategy.cacheName).toBe('media');
    // ExpirationPlugin, RangeRequestsPlugin, then the queue's BackgroundFetchPlugin.
    expect(strategy.plugins).toHaveLength(3);
    expect(strategy.plugins[2]).toBe(plugins[0]);
    expect(plugins[0].queue).toBe(queue);
    expect(worker.self.workbox.backgroundFetchQueues.downloads).toBe(queue);
  });

  test('the declarative options become working callbacks', async () => {
    const dist = built;
    const worker = await runWorker(join(dist, 'sw.js'));
    const [queue] = worker.self.stubRuntime.queues;
    const updateUI = jest.fn(async () => undefined);
    await queue.options.onSuccess({registration: {id: 'ep-5'}, updateUI, event: {}});
    expect(updateUI).toHaveBeenCalledWith({title: 'ep-5 is ready'});

    const opened: string[] = [];
    worker.self.clients.openWindow = async (url: string) => {
      opened.push(url);
      return null;
    };
    await queue.options.onClick({registration: {id: 'ep 5'}, event: {}});
    expect(opened).toEqual(['https://app.example/library/?job=ep%205']);

    const [plugin] = worker.self.stubRuntime.plugins;
    expect(
      plugin.options.fetchOptions(new Request('https://app.example/media/ep%205.mp3')),
    ).toEqual({
      title: 'Downloading ep 5.mp3',
    });
    const response = plugin.options.responseWhileQueued as Response;
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('<p>Downloading in the background</p>');
  });

  test("a request to a tied route goes to the bundle's strategy, in workbox-build's route order", async () => {
    const dist = built;
    const worker = await runWorker(join(dist, 'sw.js'));
    const strategy = worker.self.workbox.backgroundFetchRoutes[0];
    const handle = jest.fn(async () => new Response('from the bundle'));
    strategy.handle = handle;
    const response = (await worker.dispatchFetch('/media/ep-5.mp3')) as Response;
    expect(await response.text()).toBe('from the bundle');
    expect(handle).toHaveBeenCalledTimes(1);
    const [[options]] = handle.mock.calls as unknown as Array<[{request: Request; url: URL}]>;
    expect(options.request.url).toBe('https://app.example/media/ep-5.mp3');
    expect(options.url.pathname).toBe('/media/ep-5.mp3');

    await worker.dispatchFetch('/api/list').catch(() => undefined);
    expect(handle).toHaveBeenCalledTimes(1);
  });

  test('offline, the tied route hands the request to its queue and answers responseWhileQueued', async () => {
    const worker = await runWorker(join(built, 'sw.js'));
    const response = (await worker.dispatchFetch('/media/ep-5.mp3')) as Response;
    expect(worker.self.stubRuntime.events).toContain(
      'fetchDidFail:https://app.example/media/ep-5.mp3',
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('<p>Downloading in the background</p>');
  });

  test("string and function urlPatterns match in the queue's router as in workbox-routing; plugin literals are copied", async () => {
    const {dist} = app();
    await generateSW({
      ...config(dist),
      runtimeCaching: [
        {
          urlPattern: '/media/intro.mp4',
          handler: 'CacheFirst',
          options: {cacheName: 'intro', backgroundFetch: {queue: 'downloads'}},
        },
        {
          urlPattern: ({url}) => url.pathname.endsWith('.zip'),
          handler: 'StaleWhileRevalidate',
          options: {cacheName: 'archives', backgroundFetch: {queue: 'downloads'}},
        },
        {
          urlPattern: /\.iso$/,
          handler: 'CacheFirst',
          options: {
            cacheName: 'images',
            plugins: [
              {
                cacheWillUpdate({response}) {
                  return Promise.resolve(response.status === 200 ? response : null);
                },
              },
            ],
            backgroundFetch: {queue: 'downloads'},
          },
        },
      ],
    });
    const worker = await runWorker(join(dist, 'sw.js'));
    const [queue] = worker.self.stubRuntime.queues;
    const [intro, archives] = worker.self.workbox.backgroundFetchRoutes;
    expect(queue.destinationOf('https://app.example/media/intro.mp4')).toBe(intro);
    expect(queue.destinationOf('https://app.example/media/intro.mp4?x=1')).toBeUndefined();
    expect(queue.destinationOf('https://cdn.example/files/a.zip')).toBe(archives);
    expect(archives.cacheName).toBe('archives');

    // A plugin literal, with a method in shorthand, is copied and works.
    const [literal] = worker.self.workbox.backgroundFetchRoutes[2].plugins;
    expect(await literal.cacheWillUpdate({response: new Response('', {status: 206})})).toBeNull();
  });
});
