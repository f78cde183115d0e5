/*
  A new user's first try, automated: `npm pack` of every package (the
  README's own command), fresh apps in a temp folder outside the
  repository that install the tarballs with registry packages for the rest,
  each documented way built from the README's code blocks as written
  (extracted from the Markdown, so docs and test cannot drift):

    way 1        your worker with BackgroundFetchQueue, bundled with esbuild
    way 2        generateSW of workbox-background-fetch-build
    two-liner    backgroundFetchPlugin() in a plain workbox-build script
    way 3        the CLI: init → copyLibraries → generateSW, a plain-script page
    vite inject  vite-plugin-pwa injectManifest (examples/vite)
    vite gen     vite-plugin-pwa generateSW with the two-liner (examples/vite)
    pinned       way 1 in an app pinned to workbox 7.3.0

  then one download per way in Chromium (native Background Fetch) and
  Firefox ESR (the fallback): the file must land byte for byte in the cache
  the README names, and nowhere else. Plus: the pinned app has one copy of
  each workbox module (npm ls and the bundle), and tiny consumer files
  type-check strictly against the installed packages (a page with the DOM
  lib, a worker with the WebWorker lib, ESM and CommonJS Node consumers of
  the build and CLI packages).
*/
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  closeAllEngines,
  generateBytes,
  launchEngine,
  sha256,
  startTestServer,
} from '@workbox-background-fetch/test-utils';
import type {EngineSession, TestServer} from '@workbox-background-fetch/test-utils';
import {docBlock, repoRoot} from '../lib/docs';
import {PUBLISHED} from '../lib/pack';
import {
  buildTwoLiner,
  buildVite,
  buildWay1,
  buildWay2,
  buildWay3,
  pinnedInstallBlock,
  runShellBlock,
  sh,
  workboxVersionsIn,
} from '../lib/consumer-apps';
import type {Site, Tarballs} from '../lib/consumer-apps';

jest.setTimeout(180_000);

const PINNED = '7.3.0';
const WAYS = [
  'way 1',
  'way 2 generateSW',
  'way 2 two-liner',
  'way 3 CLI',
  'vite injectManifest',
  'vite generateSW',
  `way 1 pinned to workbox ${PINNED}`,
] as const;
type Way = (typeof WAYS)[number];

const work = mkdtempSync(join(tmpdir(), 'wbf-consumer-'));
const media = generateBytes(3 << 20, 'consumer');
let tarballs: Tarballs;
/** Each way's build; a failed build fails only that way's tests. */
const sites = new Map<Way, Promise<Site>>();

beforeAll(async () => {
  // The README's pack command, into the temp folder instead of /tmp/wbf.
  const dest = join(work, 'tarballs');
  await runShellBlock(
    docBlock('README.md', 'pack').replace(/\/tmp\/wbf\b/g, dest),
    repoRoot,
    {} as Tarballs,
  );
  tarballs = Object.fromEntries(
    PUBLISHED.map(({name}) => {
      const {version} = JSON.parse(
        readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'),
      );
      const file = `${name}-${version}.tgz`;
      if (!existsSync(join(dest, file))) {
        throw new Error(`npm pack wrote no tarball of ${name} into ${dest}`);
      }
      return [name, join(dest, file)];
    }),
  ) as Tarballs;

  const vite = buildVite(join(work, 'vite'), tarballs);
  const way2 = buildWay2(join(work, 'way2'), tarballs);
  const builds: Array<[Way, Promise<Site>]> = [
    ['way 1', buildWay1(join(work, 'way1'), tarballs)],
    ['way 2 generateSW', way2],
    // In the way 2 app (a subfolder of it): the build package is installed there.
    ['way 2 two-liner', way2.then(() => buildTwoLiner(join(work, 'way2', 'plain'), tarballs))],
    ['way 3 CLI', buildWay3(join(work, 'way3'), tarballs)],
    ['vite injectManifest', vite.then((v) => v.injectManifest)],
    ['vite generateSW', vite.then((v) => v.generateSW)],
    [
      `way 1 pinned to workbox ${PINNED}`,
      buildWay1(join(work, 'pinned'), tarballs, pinnedInstallBlock(PINNED)),
    ],
  ];
  for (const [way, promise] of builds) {
    promise.catch(() => undefined); // reported by the way's own tests
    sites.set(way, promise);
  }
  await Promise.allSettled(builds.map(([, p]) => p));
}, 600_000);

afterAll(() => {
  // WBF_KEEP_CONSUMER_APPS=1 keeps the apps, to look into a failure.
  if (!process.env.WBF_KEEP_CONSUMER_APPS) {
    rmSync(work, {recursive: true, force: true});
  }
});

const site = (way: Way): Promise<Site> => sites.get(way)!;

describe('the apps as built', () => {
  test.each(WAYS)(
    '%s: each worker script holds one copy of each workbox module it uses',
    async (way) => {
      // Every workbox module carries one "workbox:<module>:<version>" marker
      // (its _version.js): two in one script are two copies, e.g. the app's
      // workbox-routing and a nested one, with two default routers. (The
      // generateSW ways load workbox-build's chunk and the runtime as separate
      // scripts, each with its own copy: that is by design, the queue is told
      // its route's cache.)
      const {root} = await site(way);
      const scripts = readdirSync(root).filter((f) => f.endsWith('.js') && f !== 'page.js');
      const markers = scripts.flatMap((file) =>
        [
          ...readFileSync(join(root, file), 'utf8').matchAll(/workbox:([a-z-]+):\d+\.\d+\.\d+/g),
        ].map((m) => `${file} ${m[1]}`),
      );
      expect(markers.filter((m) => / (core|routing)$/.test(m)).length).toBeGreaterThan(0);
      const copies: Record<string, number> = {};
      for (const m of markers) {
        copies[m] = (copies[m] ?? 0) + 1;
      }
      expect(Object.entries(copies).filter(([, n]) => n > 1)).toEqual([]);
      if (way.includes('pinned')) {
        // The app's own copy (workbox 7.3.0's modules carry the marker
        // "workbox:core:7.2.0": read it from the installed file).
        const code = scripts.map((file) => readFileSync(join(root, file), 'utf8')).join('\n');
        for (const module of ['core', 'routing', 'strategies', 'range-requests']) {
          const installed = readFileSync(
            join(work, 'pinned', 'node_modules', `workbox-${module}`, '_version.js'),
            'utf8',
          );
          expect([module, workboxVersionsIn(code)[module]]).toEqual([
            module,
            workboxVersionsIn(installed)[module],
          ]);
        }
      }
    },
  );

  test(`pinned to workbox ${PINNED}: npm installs one copy of workbox-core, -routing, -strategies, -range-requests`, async () => {
    await site(`way 1 pinned to workbox ${PINNED}`);
    const dir = join(work, 'pinned');
    const listed = await sh(
      'npm ls --all --parseable workbox-core workbox-routing workbox-strategies workbox-range-requests',
      dir,
    );
    const paths = listed
      .split('\n')
      .filter((p) => /node_modules\/workbox-(core|routing|strategies|range-requests)$/.test(p));
    expect(paths.map((p) => p.slice(dir.length)).sort()).toEqual([
      '/node_modules/workbox-core',
      '/node_modules/workbox-range-requests',
      '/node_modules/workbox-routing',
      '/node_modules/workbox-strategies',
    ]);
    for (const p of paths) {
      expect(JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')).version).toBe(PINNED);
    }
  });

  test('generated workers precache no development bundle', async () => {
    for (const way of [
      'way 2 generateSW',
      'way 2 two-liner',
      'way 3 CLI',
      'vite generateSW',
    ] as const) {
      const {root} = await site(way);
      const sw = readFileSync(join(root, 'sw.js'), 'utf8');
      expect([way, /\.dev\.js/.test(sw)]).toEqual([way, false]);
    }
  });

  test.each([
    ['way 2 generateSW', 'node build-sw.js'],
    ['way 2 two-liner', 'node build-sw.js'],
    ['way 3 CLI', 'npx workbox-background-fetch generateSW'],
  ] as const)(
    '%s: building again precaches the same URLs (the copied runtime stays out)',
    async (way, command) => {
      const {root} = await site(way);
      const precached = () =>
        [...readFileSync(join(root, 'sw.js'), 'utf8').matchAll(/url:"([^"]+)"/g)]
          .map((m) => m[1])
          .sort();
      const first = precached();
      expect(first).toContain('index.html');
      await sh(command, join(root, '..'));
      expect(precached()).toEqual(first);
    },
  );
});

describe('consumers type-check strictly against the installed packages', () => {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const typeRoots = join(repoRoot, 'node_modules', '@types');

  async function typeCheck(
    app: string,
    name: string,
    files: Record<string, string>,
    compilerOptions: object,
  ) {
    const dir = join(work, app, `types-${name}`);
    mkdirSync(dir, {recursive: true});
    // An ES-module app (page and worker files are ES modules under node16).
    writeFileSync(join(dir, 'package.json'), JSON.stringify({type: 'module'}));
    for (const [file, text] of Object.entries(files)) {
      writeFileSync(join(dir, file), text);
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          target: 'ES2022',
          ...compilerOptions,
        },
        files: Object.keys(files),
      }),
    );
    return sh(`${tsc} -p ${dir}`, dir);
  }

  /**
   * The errors of a type-check, but those of workbox-build's own .d.ts
   * (and the workbox modules they import), which name worker globals
   * (ExtendableEvent, CacheQueryOptions) that a Node program's libs lack:
   * upstream's, the same for any workbox-build user with skipLibCheck off.
   */
  async function ourTypeErrors(check: Promise<string>): Promise<string[]> {
    const output = await check.then(
      (out) => out,
      (error: Error) => error.message,
    );
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    const upstream =
      /node_modules\/workbox-(build|core|expiration|background-sync|broadcast-update|cacheable-response|range-requests|routing|strategies|precaching)\/.*error TS2304: Cannot find name '(ExtendableEvent|CacheQueryOptions)'/;
    return errors.filter((line) => !upstream.test(line));
  }

  /** Module settings of a bundled app, and of an ES-module app resolved the Node way. */
  const RESOLUTIONS = [
    ['bundler', {module: 'ESNext', moduleResolution: 'Bundler'}],
    ['node16, "type": "module"', {module: 'Node16', moduleResolution: 'Node16'}],
  ] as const;

  test.each(RESOLUTIONS)(
    'a page, with only the DOM lib (the polyfill entry too; %s)',
    async (kind, resolution) => {
      await site('way 1');
      await typeCheck(
        'way1',
        `page-${kind.split(',')[0]}`,
        {
          'page.ts': `import 'workbox-background-fetch-window/polyfill';
import {backgroundFetchManager} from 'workbox-background-fetch-window';
import type {BackgroundFetchRegistration, DownloadLibraryChangeEvent} from 'workbox-background-fetch-window';

const manager = await backgroundFetchManager({queue: 'downloads', serviceWorker: '/sw.js'});
const registration: BackgroundFetchRegistration = await manager.fetch('talk-1', ['/media/talk-1.mp4'], {title: 'Talk 1'});
registration.addEventListener('progress', () => {
  const done: boolean = registration.result === 'success';
  console.log(registration.downloaded / registration.downloadTotal, done, registration.failureReason);
});
// The library's change event is typed (README: event.id, event.change).
manager.library.addEventListener('change', (event) => {
  const typed: DownloadLibraryChangeEvent = event;
  console.log(typed.id, event.change === 'added');
});
export {};
`,
        },
        {...resolution, lib: ['ES2022', 'DOM'], types: []},
      );
    },
  );

  test.each(RESOLUTIONS)(
    "a worker, with only the WebWorker lib (README way 1's src/sw.js as TypeScript, the polyfill entry too; %s)",
    async (kind, resolution) => {
      await site('way 1');
      await typeCheck(
        'way1',
        `worker-${kind.split(',')[0]}`,
        {
          'sw.ts':
            'declare const self: ServiceWorkerGlobalScope;\n' +
            docBlock('README.md', 'way1-sw') +
            `
import 'workbox-background-fetch/polyfill';
import {backgroundFetchRecipe} from 'workbox-background-fetch';
backgroundFetchRecipe({queue: 'podcasts', urlPattern: /\\/podcasts\\//, cacheName: 'podcasts'});
self.addEventListener('backgroundfetchsuccess', (event) => {
  event.waitUntil(event.updateUI({title: event.registration.id}));
});
`,
        },
        {...resolution, lib: ['ES2022', 'WebWorker'], types: []},
      );
    },
  );

  test('a worker under exactOptionalPropertyTypes: BackgroundFetchPlugin is a WorkboxPlugin', async () => {
    // (workbox-range-requests' own RangeRequestsPlugin is not, under this
    // flag: upstream's, so this worker does not use it.)
    await site('way 1');
    await typeCheck(
      'way1',
      'worker-exact-optional',
      {
        'sw.ts': `import {registerRoute} from 'workbox-routing';
import {CacheFirst} from 'workbox-strategies';
import {BackgroundFetchPlugin, BackgroundFetchQueue, backgroundFetchRecipe} from 'workbox-background-fetch';

const queue = new BackgroundFetchQueue('downloads');
registerRoute(
  ({url}) => url.pathname.startsWith('/media/'),
  new CacheFirst({cacheName: 'media', plugins: [new BackgroundFetchPlugin(queue)]}),
);
backgroundFetchRecipe({queue: 'podcasts', urlPattern: /\\/podcasts\\//, cacheName: 'podcasts', rangeRequests: false});
`,
      },
      {
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'WebWorker'],
        types: [],
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        verbatimModuleSyntax: true,
      },
    );
  });

  const nodeConsumer = `import {backgroundFetchPlugin, copyBackgroundFetchLibraries, generateSW, injectManifest} from 'workbox-background-fetch-build';
import type {GenerateSWConfig} from 'workbox-background-fetch-build';
import {run} from 'workbox-background-fetch-cli';

const config: GenerateSWConfig = {
  globDirectory: 'public',
  swDest: 'public/sw.js',
  backgroundFetch: {queues: [{name: 'downloads'}]},
};
const downloads = backgroundFetchPlugin({queue: {name: 'downloads', cacheName: 'media'}, swDest: 'public/sw.js'});
const entry: string = downloads.importScripts;
const exit: Promise<number> = run(['--version']);
console.log(config, entry, exit, generateSW, injectManifest, copyBackgroundFetchLibraries);
`;

  test.each([
    ['ESM', 'consumer.mts'],
    ['CommonJS', 'consumer.cts'],
  ])('a Node %s consumer of the build and CLI packages (module node16)', async (kind, file) => {
    await site('way 3 CLI');
    const check = typeCheck(
      'way3',
      kind,
      {[file]: nodeConsumer},
      {
        module: 'Node16',
        moduleResolution: 'Node16',
        lib: ['ES2022'],
        types: ['node'],
        typeRoots: [typeRoots],
      },
    );
    expect(await ourTypeErrors(check)).toEqual([]);
  });

  test('Node loads the build and CLI packages with require() and with import', async () => {
    await site('way 3 CLI');
    const dir = join(work, 'way3');
    const names = ['workbox-background-fetch-build', 'workbox-background-fetch-cli'];
    writeFileSync(
      join(dir, 'load.cjs'),
      `for (const n of ${JSON.stringify(names)}) console.log(n, Object.keys(require(n)).sort().join(','));\n`,
    );
    writeFileSync(
      join(dir, 'load.mjs'),
      "import {generateSW, backgroundFetchPlugin} from 'workbox-background-fetch-build';\n" +
        "import {run} from 'workbox-background-fetch-cli';\n" +
        'console.log(typeof generateSW, typeof backgroundFetchPlugin, typeof run);\n',
    );
    const cjs = await sh('node load.cjs', dir);
    const esm = await sh('node load.mjs', dir);
    expect(cjs).toMatch(/workbox-background-fetch-build .*generateSW/);
    expect(cjs).toMatch(/workbox-background-fetch-cli .*run/);
    expect(esm.trim()).toBe('function function function');
  });
});

/** Hash and holders of `url` in Cache Storage, once some cache has it. */
const FIND_IN_CACHES = `async (url) => {
  const holding = [];
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match(url)) holding.push(name);
  }
  if (holding.length === 0) return null;
  const digests = {};
  for (const name of holding) {
    const response = await (await caches.open(name)).match(url);
    const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
    digests[name] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return {holding, digests};
}`;

describe.each([
  ['chromium', 'native'],
  ['firefox', 'fallback'],
] as const)('one download per way in %s (%s)', (engine, backend) => {
  let browser: EngineSession;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    browser = await launchEngine(engine);
  });

  test(`the engine ${backend === 'native' ? 'has' : 'lacks'} native Background Fetch`, async () => {
    await browser.goto('about:blank');
    const server = await startTestServer();
    servers.push(server);
    server.addFile('/index.html', Buffer.from('<!doctype html><title>probe</title>'));
    await browser.goto(server.url('/index.html'));
    expect(await browser.evaluate(`() => 'BackgroundFetchManager' in self`)).toBe(
      backend === 'native',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  test.each(WAYS)('%s: the file lands byte for byte in the cache the README names', async (way) => {
    const app = await site(way);
    const server = await startTestServer();
    servers.push(server);
    server.serveDir('/', app.root);
    server.addFile(app.media, media);
    await browser.goto(server.url('/'));
    const requested = (timeout: number) =>
      server
        .waitForRequest((r) => r.path === app.media, {timeout})
        .then(
          () => true,
          () => false,
        );
    if (app.start === 'click') {
      if (app.readyFlag) {
        await browser.waitFor('() => document.documentElement.dataset.ready === "true"', {
          timeout: 30_000,
        });
        await browser.evaluate(`() => document.querySelector('#download').click()`);
      } else {
        // The page attaches its click handler once backgroundFetchManager()
        // resolves, and says nothing: click until the server sees the file
        // requested (a click before that does nothing).
        let started = false;
        for (let attempt = 0; attempt < 30 && !started; attempt++) {
          await browser.evaluate(`() => document.querySelector('#download').click()`);
          started = await requested(1_000);
        }
        expect([way, 'download started', started]).toEqual([way, 'download started', true]);
      }
    }
    let found: {holding: string[]; digests: Record<string, string>};
    try {
      found = await browser.waitFor(`() => (${FIND_IN_CACHES})(${JSON.stringify(app.media)})`, {
        timeout: 90_000,
        interval: 250,
      });
    } catch (error) {
      const status = await browser
        .evaluate<string>(`() => (document.querySelector('#status') || document.body).textContent`)
        .catch((e: Error) => e.message);
      throw new Error(
        `${way} in ${engine}: ${app.media} never reached Cache Storage (${(error as Error).message}).\n` +
          `page: ${status}\nrequests: ${JSON.stringify(server.requests.map((r) => [r.path, r.status]))}\n` +
          `console: ${browser.consoleLog.slice(-15).join('\n')}`,
      );
    }
    expect(found.holding).toEqual([app.cacheName]);
    expect(found.digests[app.cacheName]).toBe(sha256(media));
    if (app.videoOnSuccess) {
      // The README's page saw the success and points the <video> at the file.
      const src = await browser.waitFor<string>(
        `() => { const src = document.querySelector('video').src; return src.endsWith(${JSON.stringify(app.media)}) && src; }`,
        {timeout: 30_000},
      );
      expect(src).toBe(server.url(app.media));
    }
    await browser.goto('about:blank');
  });
});

afterAll(() => closeAllEngines());

// The apps are built outside the repository: nothing above them resolves.
test('the apps live outside the repository', () => {
  expect(work.startsWith(repoRoot)).toBe(false);
  expect(existsSync(join(work, '..', 'node_modules', 'workbox-background-fetch'))).toBe(false);
});
