import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  BackgroundFetchConfigError,
  backgroundFetchPlugin,
  generateSW,
  injectManifest,
} from '../../src/index';
import type {GenerateSWConfig, InjectManifestConfig} from '../../src/index';

/*
  One test per rule: every mistake in what this package adds to
  workbox-build's configs is reported as a BackgroundFetchConfigError whose
  sentence names the key and says how to fix it. Nothing is built.
*/

const dist = mkdtempSync(join(tmpdir(), 'wbf-config-errors-'));
const base = {globDirectory: dist, swDest: join(dist, 'sw.js')};

function withQueue(queue: Record<string, unknown>): GenerateSWConfig {
  return {...base, backgroundFetch: {queues: [queue as never]}};
}

function withRoute(
  route: Record<string, unknown>,
  queues = [{name: 'downloads'}],
): GenerateSWConfig {
  return {...base, backgroundFetch: {queues}, runtimeCaching: [route as never]};
}

async function issuesOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BackgroundFetchConfigError);
    expect((error as Error).name).toBe('BackgroundFetchConfigError');
    expect((error as Error).message).toBe((error as BackgroundFetchConfigError).issues.join('\n'));
    return (error as BackgroundFetchConfigError).issues;
  }
  throw new Error('expected a BackgroundFetchConfigError');
}

describe('backgroundFetch.queues', () => {
  test('a misspelt key is named, with the likely key and the known ones', async () => {
    expect(await issuesOf(generateSW(withQueue({nmae: 'downloads'})))).toEqual([
      "backgroundFetch.queues[0].name is required. Give each queue a unique name, like 'downloads'.",
      "backgroundFetch.queues[0].nmae is not an option of backgroundFetch.queues[0]. Did you mean 'name'? " +
        'Known options: name, cacheName, forceFallback, nativeFailover, fallback, successUI, failUI, clickUrl.',
    ]);
  });

  test('a value of the wrong type is quoted, with the type wanted and an example', async () => {
    expect(
      await issuesOf(generateSW(withQueue({name: 'downloads', forceFallback: 'yes'}))),
    ).toEqual([
      'backgroundFetch.queues[0].forceFallback must be a boolean, not "yes". Use true or false.',
    ]);
  });

  test('an empty queue name is refused', async () => {
    expect(await issuesOf(generateSW(withQueue({name: ''})))).toEqual([
      "backgroundFetch.queues[0].name must not be empty. Give each queue a unique name, like 'downloads'.",
    ]);
  });

  test('queue names are unique', async () => {
    const config = {...base, backgroundFetch: {queues: [{name: 'a'}, {name: 'a'}]}};
    expect(await issuesOf(generateSW(config))).toEqual([
      "backgroundFetch.queues[1].name 'a' is used by an earlier queue too. Give each queue its own name.",
    ]);
  });

  test('nested UI options are checked too', async () => {
    expect(
      await issuesOf(
        generateSW(withQueue({name: 'd', successUI: {title: 5, icons: [{sizes: '1x1'}]}})),
      ),
    ).toEqual([
      "backgroundFetch.queues[0].successUI.title must be a string, not 5. Use a string; '{id}' (queues) or " +
        "'{url}' and '{filename}' (routes) are replaced.",
      "backgroundFetch.queues[0].successUI.icons[0].src is required. Use the icon's URL, like '/icons/download.png'.",
    ]);
  });

  test('backgroundFetch itself must hold a queues list', async () => {
    expect(await issuesOf(generateSW({...base, backgroundFetch: [] as never}))).toEqual([
      "backgroundFetch must be an object, not an array. Use backgroundFetch: {queues: [{name: 'downloads'}]}.",
    ]);
    expect(await issuesOf(generateSW({...base, backgroundFetch: {} as never}))).toEqual([
      "backgroundFetch.queues is required. List the queues: queues: [{name: 'downloads'}].",
    ]);
  });

  test('every mistake is reported at once', async () => {
    const config = {
      ...base,
      backgroundFetch: {queues: [{name: 1, clickUrl: 2}]},
    } as unknown as GenerateSWConfig;
    expect(await issuesOf(generateSW(config))).toHaveLength(2);
  });
});

describe('runtimeCaching[].options.backgroundFetch', () => {
  const route = (options: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    urlPattern: /\/media\//,
    handler: 'CacheFirst',
    options: {cacheName: 'media', ...options},
    ...extra,
  });

  test('the queue must be one of backgroundFetch.queues', async () => {
    expect(
      await issuesOf(generateSW(withRoute(route({backgroundFetch: {queue: 'downlaods'}})))),
    ).toEqual([
      "runtimeCaching[0].options.backgroundFetch.queue 'downlaods' names no queue of backgroundFetch.queues. " +
        "Did you mean 'downloads'?",
    ]);
    expect(
      await issuesOf(generateSW(withRoute(route({backgroundFetch: {queue: 'media'}})))),
    ).toEqual([
      "runtimeCaching[0].options.backgroundFetch.queue 'media' names no queue of backgroundFetch.queues. " +
        "Add {name: 'media'} to backgroundFetch.queues (it has: downloads).",
    ]);
  });

  test('a route without a queue name is told how to give one', async () => {
    expect(await issuesOf(generateSW(withRoute(route({backgroundFetch: {}}))))).toEqual([
      'runtimeCaching[0].options.backgroundFetch.queue is required. Name a queue of the top-level ' +
        "backgroundFetch.queues, like queue: 'downloads'.",
    ]);
  });

  test('the handler must be a strategy name, whose cache receives the records', async () => {
    const issues = await issuesOf(
      generateSW(
        withRoute(route({backgroundFetch: {queue: 'downloads'}}, {handler: 'CacheFrist'})),
      ),
    );
    expect(issues).toEqual([
      "runtimeCaching[0].handler must be a strategy name ('CacheFirst', 'CacheOnly', 'NetworkFirst', " +
        "'NetworkOnly', 'StaleWhileRevalidate') when runtimeCaching[0].options.backgroundFetch is set: " +
        "the queue writes its records through that strategy's cache and plugins. Did you mean 'CacheFirst'?",
    ]);
  });

  test('precacheFallback is replaced by responseWhileQueued', async () => {
    const issues = await issuesOf(
      generateSW(
        withRoute(
          route({backgroundFetch: {queue: 'downloads'}, precacheFallback: {fallbackURL: '/x'}}),
        ),
      ),
    );
    expect(issues).toEqual([
      'runtimeCaching[0].options.precacheFallback cannot be combined with runtimeCaching[0].options.backgroundFetch. ' +
        'Use runtimeCaching[0].options.backgroundFetch.responseWhileQueued for what a request handed to the queue answers.',
    ]);
  });

  test("workbox-build's own rules hold for a tied route: expiration needs a cacheName", async () => {
    const issues = await issuesOf(
      generateSW(
        withRoute({
          urlPattern: /x/,
          handler: 'CacheFirst',
          options: {expiration: {maxEntries: 1}, backgroundFetch: {queue: 'downloads'}},
        }),
      ),
    );
    expect(issues).toEqual([
      'runtimeCaching[0].options.expiration needs runtimeCaching[0].options.cacheName: give the route its own ' +
        "cache, like cacheName: 'media'.",
    ]);
  });

  test('networkTimeoutSeconds only with network strategies', async () => {
    const issues = await issuesOf(
      generateSW(
        withRoute(route({backgroundFetch: {queue: 'downloads'}, networkTimeoutSeconds: 3})),
      ),
    );
    expect(issues[0]).toMatch(
      /^runtimeCaching\[0\]\.options\.networkTimeoutSeconds only works with 'NetworkFirst'/,
    );
  });

  test('an unknown route option is named', async () => {
    const issues = await issuesOf(
      generateSW(
        withRoute(route({backgroundFetch: {queue: 'downloads'}, expirations: {maxEntries: 1}})),
      ),
    );
    expect(issues[0]).toMatch(
      /^runtimeCaching\[0\]\.options\.expirations is not an option of runtimeCaching\[0\]\.options\. Did you mean 'expiration'\?/,
    );
  });

  test('responseWhileQueued is a string or a response as data', async () => {
    expect(
      await issuesOf(
        generateSW(
          withRoute(route({backgroundFetch: {queue: 'downloads', responseWhileQueued: 5}})),
        ),
      ),
    ).toEqual([
      'runtimeCaching[0].options.backgroundFetch.responseWhileQueued must be a string or an object, not 5. ' +
        "Use an HTML string, or {body: '…', status: 202, headers: {…}}.",
    ]);
    expect(
      await issuesOf(
        generateSW(
          withRoute(
            route({backgroundFetch: {queue: 'downloads', responseWhileQueued: {status: 99}}}),
          ),
        ),
      ),
    ).toEqual([
      'runtimeCaching[0].options.backgroundFetch.responseWhileQueued.status must be greater than or equal to 200. ' +
        'Use an HTTP status from 200 to 599.',
    ]);
  });

  test('a class instance among the plugins is refused instead of becoming {}', async () => {
    class ExpirationPlugin {
      maxEntries = 1;
    }
    await expect(
      generateSW(
        withRoute(
          route({
            backgroundFetch: {queue: 'downloads'},
            plugins: [new ExpirationPlugin() as never],
          }),
        ),
      ),
    ).rejects.toThrow(
      'runtimeCaching[0].options.plugins[0] is an instance of ExpirationPlugin, which cannot be copied into the ' +
        'service worker (it would become {}).',
    );
  });

  test('routes without backgroundFetch are left to workbox-build', async () => {
    const config = withRoute({urlPattern: /x/, handler: 'CacheFirst', options: {whatever: 1}});
    await expect(generateSW(config)).rejects.not.toBeInstanceOf(BackgroundFetchConfigError);
  });
});

describe('injectManifest', () => {
  const inject = {...base, swSrc: join(dist, 'src.js')};

  test('bundle options are checked, with the likely value', async () => {
    expect(
      await issuesOf(
        injectManifest({...inject, bundle: {mode: 'prod'}} as unknown as InjectManifestConfig),
      ),
    ).toEqual([
      "bundle.mode must be one of 'production', 'development', not \"prod\". Did you mean 'production'?",
    ]);
  });

  test('backgroundFetch needs bundling', async () => {
    expect(
      await issuesOf(
        injectManifest({...inject, bundle: false, backgroundFetch: {queues: [{name: 'd'}]}}),
      ),
    ).toEqual([
      'backgroundFetch needs bundling: its queues are created by code added to your worker when it is bundled. ' +
        'Remove bundle: false, or remove backgroundFetch and create the queues in your worker.',
    ]);
  });

  test('a config that is not an object is explained', async () => {
    expect(await issuesOf(injectManifest(undefined as never))).toEqual([
      "injectManifest() needs a config object, not undefined. Pass workbox-build's options, for example " +
        "{globDirectory: 'dist', swDest: 'dist/sw.js'}.",
    ]);
  });
});

describe('backgroundFetchPlugin()', () => {
  test('its options are checked like the config', () => {
    expect(() => backgroundFetchPlugin({queue: {name: 'd', cacheNmae: 'media'}} as never)).toThrow(
      "backgroundFetchPlugin() option queue.cacheNmae is not an option of queue. Did you mean 'cacheName'?",
    );
    expect(() => backgroundFetchPlugin({} as never)).toThrow(
      "backgroundFetchPlugin() option queue is required. Use a queue name like 'downloads', or " +
        "{name: 'downloads', cacheName: 'media'}.",
    );
    expect(() => backgroundFetchPlugin({queue: 'd', mode: 'dev'} as never)).toThrow(
      "backgroundFetchPlugin() option mode must be one of 'production', 'development', not \"dev\".",
    );
  });
});
