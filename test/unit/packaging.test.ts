/*
  The packages as npm will publish them: `npm pack` of each, then the
  ecosystem's own checks (publint, @arethetypeswrong/cli) and what a user
  of the tarball needs — a LICENSE, working README links, workbox as peer
  dependencies (one copy per app), no build caches. Needs `npm run build`.
*/
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {repoRoot} from '../lib/docs';
import {PUBLISHED, packAll} from '../lib/pack';
import type {Packed, PublishedName} from '../lib/pack';

jest.setTimeout(120_000);

const REPOSITORY = 'https://github.com/workbox-background-fetch/workbox-background-fetch';
/** The workbox modules an app must have exactly one copy of. */
const SHARED_WORKBOX = [
  'workbox-core',
  'workbox-range-requests',
  'workbox-routing',
  'workbox-strategies',
];
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

interface Manifest {
  name: string;
  license?: string;
  repository?: {type: string; url: string; directory: string};
  homepage?: string;
  bugs?: {url: string};
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

let dir: string;
let packed: Record<PublishedName, Packed>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wbf-packaging-'));
  packed = packAll(dir);
});

afterAll(() => {
  if (dir) {
    rmSync(dir, {recursive: true, force: true});
  }
});

function manifest(name: string): Manifest {
  return JSON.parse(
    readFileSync(join(repoRoot, 'packages', name, 'package.json'), 'utf8'),
  ) as Manifest;
}

/** Every file under `dir`, relative. */
function walk(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel)).flatMap((entry) => {
    const path = rel ? `${rel}/${entry}` : entry;
    return statSync(join(root, path)).isDirectory() ? walk(root, path) : [path];
  });
}

describe.each(PUBLISHED.map((p) => [p.name, p.runs] as const))('%s (%s)', (name, runs) => {
  test('publint finds nothing, even with --strict', () => {
    const result = spawnSync(bin('publint'), ['run', packed[name].tarball, '--strict'], {
      encoding: 'utf8',
    });
    expect({status: result.status, output: result.stdout + result.stderr}).toEqual({
      status: 0,
      output: expect.stringContaining('All good!'),
    });
  });

  test(`@arethetypeswrong/cli finds nothing (${runs === 'node' ? 'strict: CJS and ESM consumers' : 'esm-only: a browser package'})`, () => {
    // The page and worker packages are ES modules for bundlers and browsers:
    // no CommonJS build, so node10 and require() resolution do not apply.
    const profile = runs === 'node' ? 'strict' : 'esm-only';
    const result = spawnSync(
      bin('attw'),
      [packed[name].tarball, '--profile', profile, '--format', 'ascii', '--no-color', '--no-emoji'],
      {encoding: 'utf8'},
    );
    const output = result.stdout + result.stderr;
    // Each problem is a line ending in its docs link; under the esm-only
    // profile those of the ignored resolutions start with "(ignored".
    const problems = output
      .split('\n')
      .filter((line) => /arethetypeswrong\.github\.io\/blob\/main\/docs\/problems/.test(line))
      .filter((line) => !line.startsWith('(ignored per resolution)'));
    expect({status: result.status, problems}).toEqual({status: 0, problems: []});
    expect(output).toMatch(
      runs === 'node' ? /No problems found/ : /ignoring resolutions: 'node10', 'node16-cjs'/,
    );
  });

  test('the tarball has the LICENSE, the README and the built files, and no build cache', () => {
    const files = packed[name].files;
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
      ]),
    );
    expect(files.filter((f) => /tsbuildinfo|(^|\/)test\/|\.test\.|node_modules/.test(f))).toEqual(
      [],
    );
    expect(readFileSync(join(repoRoot, 'packages', name, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'LICENSE'), 'utf8'),
    );
  });

  test('the published .d.ts has no @internal member', () => {
    const extract = join(dir, `${name}-extract`);
    execFileSync('tar', ['-xzf', packed[name].tarball, '-C', dir]);
    rmSync(extract, {recursive: true, force: true});
    execFileSync('mv', [join(dir, 'package'), extract]);
    const leaked = walk(extract)
      .filter((f) => f.endsWith('.d.ts'))
      .flatMap((f) =>
        (
          readFileSync(join(extract, f), 'utf8').match(
            /^\s+(?:static\s+)?(?:readonly\s+)?_[A-Za-z]\w*[?(:<]/gm,
          ) ?? []
        ).map((m) => `${f}: ${m.trim()}`),
      );
    expect(leaked).toEqual([]);
  });

  test('package.json: license, repository, homepage and bugs point at the repository', () => {
    const pkg = manifest(name);
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({
      type: 'git',
      url: `git+${REPOSITORY}.git`,
      directory: `packages/${name}`,
    });
    expect(pkg.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`);
    expect(pkg.bugs).toEqual({url: `${REPOSITORY}/issues`});
  });

  test('dependencies: workbox modules shared with the app are peers (^7), siblings by range, none unused', () => {
    const pkg = manifest(name);
    const deps = pkg.dependencies ?? {};
    for (const shared of SHARED_WORKBOX) {
      expect([shared, deps[shared]]).toEqual([shared, undefined]);
      if (pkg.peerDependencies?.[shared]) {
        expect([shared, pkg.peerDependencies[shared]]).toEqual([shared, '^7.0.0']);
        expect(pkg.devDependencies?.[shared]).toBeDefined();
      }
    }
    for (const [dep, range] of Object.entries(deps)) {
      if (dep.startsWith('workbox-background-fetch')) {
        expect([dep, range]).toEqual([dep, '^0.1.0']);
      }
    }
    const source = walk(join(repoRoot, 'packages', name, 'src'))
      .map((f) => readFileSync(join(repoRoot, 'packages', name, 'src', f), 'utf8'))
      .join('\n');
    const unused = [...Object.keys(deps), ...Object.keys(pkg.peerDependencies ?? {})].filter(
      (dep) => !["'", '"', '`'].some((quote) => source.includes(`${quote}${dep}`)),
    );
    expect(unused).toEqual([]);
  });

  test('README links work on npm (absolute URLs, no ../ paths)', () => {
    const readme = readFileSync(join(repoRoot, 'packages', name, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\(([^)\s]+)[)\s]/g)]
      .map((m) => m[1])
      .filter((href) => !/^(https?:|mailto:|#)/.test(href));
    expect(relative).toEqual([]);
    const wrongRepo = [...readme.matchAll(/https:\/\/github\.com\/[^/\s)]+\/[^/\s)#]+/g)]
      .map((m) => m[0])
      .filter((href) => href !== REPOSITORY);
    expect(wrongRepo).toEqual([]);
  });
});

test('the runtime and the build package take workbox-core, -routing, -strategies, -range-requests as peers', () => {
  for (const name of ['workbox-background-fetch', 'workbox-background-fetch-build']) {
    expect(Object.keys(manifest(name).peerDependencies ?? {}).sort()).toEqual(SHARED_WORKBOX);
  }
});

test('the CLI depends on the page library that copyLibraries copies', () => {
  expect(manifest('workbox-background-fetch-cli').dependencies).toHaveProperty(
    'workbox-background-fetch-window',
  );
});

test('the runtime shares its internals with the page package through one subpath, ./internal, marked not public', () => {
  const pkg = manifest('workbox-background-fetch') as Manifest & {exports: Record<string, unknown>};
  expect(Object.keys(pkg.exports)).toEqual([
    '.',
    './polyfill',
    './internal',
    './types',
    './iife/*',
    './package.json',
  ]);
  expect(packed['workbox-background-fetch'].files).toEqual(
    expect.arrayContaining(['dist/internal.js', 'dist/internal.d.ts']),
  );
  const extract = join(dir, 'internal-extract');
  rmSync(extract, {recursive: true, force: true});
  mkdirSync(extract);
  execFileSync('tar', ['-xzf', packed['workbox-background-fetch'].tarball, '-C', extract]);
  expect(readFileSync(join(extract, 'package/dist/internal.d.ts'), 'utf8')).toContain(
    'NOT A PUBLIC API',
  );
});
