import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {run} from '../../src/run';
import type {CliIO} from '../../src/lib/io';

// The CLI as installed: the build package by name (its sources here), and
// a stub runtime to bundle (the real one is built separately).
jest.mock(
  'workbox-background-fetch-build',
  () => jest.requireActual('../../../workbox-background-fetch-build/src/index'),
  {virtual: true},
);
jest.mock('../../../workbox-background-fetch-build/src/lib/runtime-paths', () => {
  const actual = jest.requireActual(
    '../../../workbox-background-fetch-build/src/lib/runtime-paths',
  );
  const {createStubRuntime} = jest.requireActual(
    '../../../workbox-background-fetch-build/test/unit/helpers/stub-runtime',
  );
  const stub: string = createStubRuntime();
  return {
    ...actual,
    resolveDirs: (appDir?: string) => [...(appDir ? [appDir] : []), stub, actual.packageRoot],
    libraryFiles: jest.fn(actual.libraryFiles),
    windowPackageRoot: jest.fn(actual.windowPackageRoot),
  };
});

jest.setTimeout(60_000);

interface Captured extends CliIO {
  lines: string[];
  errors: string[];
}

function capture(signal?: AbortSignal): Captured {
  const lines: string[] = [];
  const errors: string[] = [];
  return {lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line), signal};
}

const home = process.cwd();
afterEach(() => process.chdir(home));

/** A fresh project folder, made current, with a built site in dist/. */
function project(packageJson: object = {name: 'app', private: true}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbf-cli-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  mkdirSync(join(dir, 'dist', 'media'), {recursive: true});
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>app</title>');
  process.chdir(dir);
  return dir;
}

async function until(condition: () => boolean, io?: Captured, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error(
        `timed out; output: ${JSON.stringify(io?.lines)}, errors: ${JSON.stringify(io?.errors)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('arguments', () => {
  test('--help prints the usage and exits 0', async () => {
    const io = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/^Usage: workbox-background-fetch <command> \[options\]/);
    expect(io.lines.join('\n')).toContain('copyLibraries <dir>');
  });

  test('--version prints the version', async () => {
    const io = capture();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.lines).toEqual(['0.1.0']);
  });

  test('no command prints the usage and exits 1', async () => {
    const io = capture();
    expect(await run([], io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/^Usage:/);
  });

  test('an unknown command is one line with the likely command', async () => {
    const io = capture();
    expect(await run(['genrateSW'], io)).toBe(1);
    expect(io.errors).toEqual([
      "Error: Unknown command 'genrateSW'. Did you mean 'generateSW'? Commands: generateSW, injectManifest, copyLibraries, init.",
    ]);
  });

  test('an unknown option is one line', async () => {
    const io = capture();
    expect(await run(['generateSW', '--wacth'], io)).toBe(1);
    expect(io.errors).toEqual([
      'Error: Unknown option --wacth. Run "workbox-background-fetch --help" for the options.',
    ]);
  });

  test('options that do not fit the command are refused', async () => {
    const io = capture();
    expect(await run(['copyLibraries', 'dist', '--watch'], io)).toBe(1);
    expect(await run(['generateSW', '--force'], io)).toBe(1);
    expect(await run(['generateSW', 'a.js', 'b.js'], io)).toBe(1);
    expect(io.errors).toEqual([
      'Error: --watch works with generateSW and injectManifest, not copyLibraries.',
      'Error: --force only works with init.',
      'Error: generateSW takes one config file, got 2: a.js b.js.',
    ]);
  });

  test('command names are not case-sensitive', async () => {
    project();
    const io = capture();
    expect(await run(['GENERATESW'], io)).toBe(1);
    expect(io.errors[0]).toMatch(/^Error: Cannot find workbox-config\.js/);
  });
});

describe('init', () => {
  test('writes a commented workbox-config.js that generateSW builds as is', async () => {
    const dir = project();
    const io = capture();
    expect(await run(['init'], io)).toBe(0);
    expect(io.lines).toEqual([
      expect.stringMatching(
        /^Wrote workbox-config\.js \(\d\.\d KiB\)\. Check globDirectory and swDest in it, then run: workbox-background-fetch generateSW$/,
      ),
    ]);
    const config = readFileSync(join(dir, 'workbox-config.js'), 'utf8');
    expect(config).toContain('module.exports = {');
    expect(config).toContain('backgroundFetch: {\n    queues: [');
    expect(config).toContain("backgroundFetch: {\n          queue: 'downloads',");

    const build = capture();
    expect(await run(['generateSW'], build)).toBe(0);
    expect(build.errors).toEqual([]);
    expect(build.lines).toEqual([
      expect.stringMatching(
        /^Wrote dist\/sw\.js \(\d+\.\d KiB\), dist\/sw\.js\.map \(\d+\.\d KiB\), dist\/workbox-[0-9a-f]{8}\.js \(\d+\.\d KiB\), .*dist\/workbox-background-fetch-sw\.[0-9a-f]{8}\.js \(\d+\.\d KiB\), dist\/workbox-background-fetch-sw\.[0-9a-f]{8}\.js\.map \(\d+\.\d KiB\)\. The service worker precaches 1 URL \(\d+ B\)\.$/,
      ),
    ]);
  });

  test('refuses to replace a config, unless --force', async () => {
    project();
    expect(await run(['init'], capture())).toBe(0);
    const io = capture();
    expect(await run(['init'], io)).toBe(1);
    expect(io.errors).toEqual([
      'Error: workbox-config.js already exists. Edit it, or replace it with: workbox-background-fetch init --force',
    ]);
    expect(await run(['init', '--force'], capture())).toBe(0);
  });

  test('writes an ES module config in a "type": "module" package', async () => {
    // Loading it is tested in load-config.test.ts (in a child process).
    const dir = project({name: 'app', type: 'module'});
    expect(await run(['init'], capture())).toBe(0);
    const config = readFileSync(join(dir, 'workbox-config.js'), 'utf8');
    expect(config).toContain('export default {');
    expect(config).not.toContain('module.exports');
  });

  test('--injectManifest writes a config and a starter worker that injectManifest builds', async () => {
    const dir = project();
    const io = capture();
    expect(await run(['init', '--injectManifest'], io)).toBe(0);
    expect(io.lines[0]).toMatch(
      /^Wrote src\/sw\.js \(\d+ B\), workbox-config\.js \([\d.]+ K?i?B\)\. .* then run: workbox-background-fetch injectManifest$/,
    );
    expect(readFileSync(join(dir, 'src', 'sw.js'), 'utf8')).toContain(
      "import {backgroundFetchRecipe} from 'workbox-background-fetch';",
    );
    const build = capture();
    expect(await run(['injectManifest'], build)).toBe(0);
    expect(build.lines).toEqual([
      expect.stringMatching(
        /^Wrote dist\/sw\.js \(\d+\.\d KiB\), dist\/sw\.js\.map \(\d+\.\d KiB\)\. The service worker precaches 1 URL \(\d+ B\)\.$/,
      ),
    ]);
    expect(readFileSync(join(dir, 'dist', 'sw.js'), 'utf8')).not.toMatch(/^import /m);
  });
});

describe('generateSW and injectManifest', () => {
  test('a missing config file is one line saying how to make one', async () => {
    const dir = project();
    const io = capture();
    expect(await run(['generateSW'], io)).toBe(1);
    expect(io.errors).toEqual([
      `Error: Cannot find workbox-config.js in ${dir}. Create one with "workbox-background-fetch init", ` +
        'or name your config file: "workbox-background-fetch generateSW path/to/config.js".',
    ]);
    const named = capture();
    expect(await run(['injectManifest', 'sw-config.js'], named)).toBe(1);
    expect(named.errors).toEqual(['Error: Cannot find the config file sw-config.js.']);
  });

  test('a config that does not load is one line', async () => {
    project();
    writeFileSync('workbox-config.js', 'module.exports = {globDirectory: "dist",,};');
    const io = capture();
    expect(await run(['generateSW'], io)).toBe(1);
    expect(io.errors).toEqual([
      expect.stringMatching(/^Error: Could not load workbox-config\.js: Unexpected token/),
    ]);
  });

  test('config mistakes: the first in one line with the count, all of them with --debug', async () => {
    project();
    writeFileSync(
      'workbox-config.js',
      `module.exports = {globDirectory: 'dist', swDest: 'dist/sw.js',
        backgroundFetch: {queues: [{nmae: 'downloads'}]}};`,
    );
    const io = capture();
    expect(await run(['generateSW'], io)).toBe(1);
    expect(io.errors).toEqual([
      "Error: workbox-config.js: backgroundFetch.queues[0].name is required. Give each queue a unique name, like 'downloads'. " +
        '(and 1 more problem; run with --debug to list them)',
    ]);
    const debug = capture();
    expect(await run(['generateSW', '--debug'], debug)).toBe(1);
    expect(debug.errors[1]).toMatch(
      /^Error: workbox-config\.js: backgroundFetch\.queues\[0\]\.nmae is not an option/,
    );
    expect(debug.errors[2]).toMatch(/^BackgroundFetchConfigError: [\s\S]*\n\s+at /);
    expect(existsSync('dist/sw.js')).toBe(false);
  });

  test("workbox-build's own errors are one line too", async () => {
    project();
    writeFileSync(
      'workbox-config.js',
      `module.exports = {globDirectory: 'dist', swDest: 'dist/sw.js', globPaterns: []};`,
    );
    const io = capture();
    expect(await run(['generateSW'], io)).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]).toMatch(/^Error: .*globPaterns/);
  });

  test('--watch builds again when a file of globDirectory changes, not when it writes its own', async () => {
    project();
    expect(await run(['init'], capture())).toBe(0);
    const controller = new AbortController();
    const io = capture(controller.signal);
    const done = run(['generateSW', '--watch'], io);
    await until(() => io.lines.length === 2, io);
    expect(io.lines[0]).toMatch(/precaches 1 URL /);
    expect(io.lines[1]).toBe('Watching for changes… (Ctrl+C to stop)');

    writeFileSync('dist/app.js', 'console.log(1);');
    await until(() => io.lines.length === 3, io);
    expect(io.lines[2]).toMatch(/precaches 2 URLs /);
    // Its own output does not trigger another build: the next build is the
    // one for the next change (a build set off by its own sw.js would come
    // first, and again after every build).
    writeFileSync('dist/more.js', 'console.log(2);');
    await until(() => io.lines.length === 4, io);
    expect(io.lines[3]).toMatch(/precaches 3 URLs /);

    // A mistake while watching is reported; watching goes on.
    writeFileSync(
      'workbox-config.js',
      `module.exports = {globDirectory: 'dist', swDest: 'dist/sw.js', backgroundFetch: {}};`,
    );
    await until(() => io.errors.length === 1, io);
    expect(io.errors[0]).toMatch(
      /^Error: workbox-config\.js: backgroundFetch\.queues is required\./,
    );
    expect(io.lines).toHaveLength(4);

    controller.abort();
    expect(await done).toBe(0);
  });
});

describe('copyLibraries', () => {
  test('needs a folder', async () => {
    const io = capture();
    expect(await run(['copyLibraries'], io)).toBe(1);
    expect(io.errors).toEqual([
      'Error: copyLibraries needs the folder to copy into, like: workbox-background-fetch copyLibraries dist',
    ]);
  });

  test('copies the page library with the runtime, and lists what it copied by kind', async () => {
    const dir = project();
    const source = mkdtempSync(join(tmpdir(), 'wbf-cli-libs-'));
    const names = {
      'workbox-background-fetch.prod.js': 2048,
      'workbox-background-fetch.dev.js': 100,
      'workbox-background-fetch-window.prod.js': 1536,
      'workbox-background-fetch-window.dev.js': 300,
      'workbox-background-fetch-window.prod.js.map': 10,
    };
    for (const [name, size] of Object.entries(names)) {
      writeFileSync(join(source, name), 'x'.repeat(size));
    }
    const runtimePaths = jest.requireMock(
      '../../../workbox-background-fetch-build/src/lib/runtime-paths',
    );
    runtimePaths.libraryFiles.mockReturnValueOnce(
      Object.keys(names).map((name) => ({from: join(source, name), name})),
    );
    const io = capture();
    expect(await run(['copyLibraries', 'dist'], io)).toBe(0);
    expect(io.lines).toEqual([
      'Copied 5 files to dist/workbox-background-fetch-v0.1.0/:',
      '  page library (global workbox.backgroundFetchWindow, for <script src>): ' +
        'workbox-background-fetch-window.prod.js (1.5 KiB), workbox-background-fetch-window.dev.js (300 B)',
      '  worker runtime (global workbox.backgroundFetch, for importScripts()): ' +
        'workbox-background-fetch.prod.js (2.0 KiB), workbox-background-fetch.dev.js (100 B)',
      '  source maps: workbox-background-fetch-window.prod.js.map',
      'A page served from dist loads it with <script src="/workbox-background-fetch-v0.1.0/' +
        'workbox-background-fetch-window.prod.js"></script>. Keep the .dev.js and .map files out of your ' +
        'precache (globIgnores, as "workbox-background-fetch init" writes).',
    ]);
    expect(
      existsSync(
        join(
          dir,
          'dist',
          'workbox-background-fetch-v0.1.0',
          'workbox-background-fetch-window.prod.js',
        ),
      ),
    ).toBe(true);
  });

  test('fails, saying what to install, when the page library is missing', async () => {
    project();
    const source = mkdtempSync(join(tmpdir(), 'wbf-cli-libs-'));
    writeFileSync(join(source, 'workbox-background-fetch.prod.js'), 'x');
    const runtimePaths = jest.requireMock(
      '../../../workbox-background-fetch-build/src/lib/runtime-paths',
    );
    runtimePaths.libraryFiles.mockReturnValueOnce([
      {
        from: join(source, 'workbox-background-fetch.prod.js'),
        name: 'workbox-background-fetch.prod.js',
      },
    ]);
    runtimePaths.windowPackageRoot.mockReturnValueOnce(undefined);
    const io = capture();
    expect(await run(['copyLibraries', 'dist'], io)).toBe(1);
    expect(io.errors).toEqual([
      'Error: The page library workbox-background-fetch-window is not installed, so it cannot be copied: ' +
        'run npm install workbox-background-fetch-window.',
    ]);
  });

  test('init, copyLibraries, generateSW: the worker precaches the page and the page library only', async () => {
    project();
    expect(await run(['init'], capture())).toBe(0);
    expect(await run(['copyLibraries', 'dist'], capture())).toBe(0);
    const build = capture();
    expect(await run(['generateSW'], build)).toBe(0);
    expect(build.lines[0]).toMatch(/The service worker precaches 2 URLs \(\d+\.\d KiB\)\.$/);
    const worker = readFileSync('dist/sw.js', 'utf8');
    expect([...worker.matchAll(/url:"([^"]+)"/g)].map((match) => match[1]).sort()).toEqual([
      'index.html',
      'workbox-background-fetch-v0.1.0/workbox-background-fetch-window.prod.js',
    ]);
  });
});
