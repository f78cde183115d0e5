/*
  Fresh apps outside the repository, built the way the README says, from
  the packed packages: used by test/browser/consumer.test.ts.

  Every app lives in a temp folder (no node_modules of the repository above
  it); `npm install` takes the tarballs plus registry packages, with npm's
  own cache (`--prefer-offline`: a re-run downloads nothing).
*/
import {spawn} from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import {dirname, join} from 'node:path';
import {docBlock, inlineCodeAfter, repoRoot} from './docs';
import type {PublishedName} from './pack';

/** What the browser part needs of a built app. */
export interface Site {
  /** The folder served at `/`. */
  root: string;
  /** The file the page downloads. */
  media: string;
  /** The cache the README says the file lands in. */
  cacheName: string;
  /** How the page starts the download. */
  start: 'click' | 'load';
  /** The page sets `data-ready` on <html> once its manager is ready (else click until the server sees the request). */
  readyFlag: boolean;
  /** Whether the README's page shows a finished download by setting the <video> src. */
  videoOnSuccess: boolean;
}

/** Tarball path of each package. */
export type Tarballs = Record<PublishedName, string>;

/** The siblings each package needs in the same `npm install` (README, "Three ways in"). */
const SIBLINGS: Record<PublishedName, PublishedName[]> = {
  'workbox-background-fetch': ['workbox-background-fetch'],
  'workbox-background-fetch-window': [
    'workbox-background-fetch-window',
    'workbox-background-fetch',
  ],
  'workbox-background-fetch-build': [
    'workbox-background-fetch-build',
    'workbox-background-fetch',
    'workbox-background-fetch-window',
  ],
  'workbox-background-fetch-cli': [
    'workbox-background-fetch-cli',
    'workbox-background-fetch-build',
    'workbox-background-fetch',
    'workbox-background-fetch-window',
  ],
};

/**
 * The environment of a user's shell: none of the `npm_*` variables an
 * enclosing `npm test` sets (they would point npm at the repository), no
 * NODE_ENV=test from jest; npx never downloads a missing command.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_ENV' && !key.startsWith('JEST')) {
      env[key] = value;
    }
  }
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_yes: 'false',
  };
}

/** Runs `command` in bash; resolves with its output, rejects with the output's tail. */
export function sh(command: string, cwd: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} (in ${cwd}) did not end in ${timeoutMs} ms:\n${output.slice(-3000)}`),
      );
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${command} (in ${cwd}) exited with ${code}:\n${output.slice(-4000)}`));
      }
    });
  });
}

/** The commands of a shell block: continuations joined, comments and blank lines dropped. */
export function shellCommands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#\s.*$/, '').trim())
    .filter((line) => line !== '');
}

/**
 * A README command as a user with the tarballs runs it: in `npm install`,
 * each workbox-background-fetch* name becomes its tarball plus its
 * siblings' (the README's install section), and npm uses its cache.
 */
export function withTarballs(command: string, tarballs: Tarballs): string {
  if (!/^npm (install|i)\b/.test(command)) {
    return command;
  }
  const words = command.split(/\s+/);
  const added = new Set<string>();
  const out: string[] = [];
  for (const word of words) {
    if (word in SIBLINGS) {
      for (const name of SIBLINGS[word as PublishedName]) {
        if (!added.has(name)) {
          added.add(name);
          out.push(tarballs[name]);
        }
      }
    } else {
      out.push(word);
    }
  }
  return [...out, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'].join(' ');
}

/** Runs each command of a README shell block in `cwd`; `after(i)` runs after the i-th. */
export async function runShellBlock(
  block: string,
  cwd: string,
  tarballs: Tarballs,
  after?: (index: number) => void,
): Promise<string> {
  let output = '';
  const commands = shellCommands(block);
  for (let i = 0; i < commands.length; i++) {
    output += await sh(withTarballs(commands[i], tarballs), cwd);
    after?.(i);
  }
  return output;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, text);
}

function newApp(dir: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(dir, {recursive: true});
  write(
    join(dir, 'package.json'),
    JSON.stringify(
      {name: dir.split('/').pop(), version: '1.0.0', private: true, ...extra},
      null,
      2,
    ),
  );
}

/** The talk app of ways 1 and 2 (and examples/vite) served from `root`: the README's page and file. */
function talkSite(root: string, readyFlag = false): Site {
  return {
    root,
    media: '/media/talk-1.mp4',
    cacheName: 'media',
    start: 'click',
    readyFlag,
    videoOnSuccess: true,
  };
}

/** Way 1's page HTML, given inline in the README. */
const way1Html = () => inlineCodeAfter('README.md', '`public/index.html`: ');

/** README way 1 as written: install, src/sw.js, src/page.js, public/index.html, bundle. */
export async function buildWay1(
  dir: string,
  tarballs: Tarballs,
  installBlock = docBlock('README.md', 'way1-install'),
): Promise<Site> {
  newApp(dir);
  await runShellBlock(installBlock, dir, tarballs);
  // The runtime's and the window package's own install lines, as their READMEs give them.
  await runShellBlock(
    docBlock('packages/workbox-background-fetch/README.md', 'install'),
    dir,
    tarballs,
  );
  await runShellBlock(
    docBlock('packages/workbox-background-fetch-window/README.md', 'install'),
    dir,
    tarballs,
  );
  write(join(dir, 'src/sw.js'), docBlock('README.md', 'way1-sw'));
  write(join(dir, 'src/page.js'), docBlock('README.md', 'way1-page'));
  write(join(dir, 'public/index.html'), way1Html());
  await runShellBlock(docBlock('README.md', 'way1-bundle'), dir, tarballs);
  return talkSite(join(dir, 'public'));
}

/** The pinned app's install: way 1's command with workbox 7.3.0. */
export function pinnedInstallBlock(version: string): string {
  return docBlock('README.md', 'way1-install').replace(
    /\b(workbox-(?:core|routing|strategies|range-requests))\b(?!-)/g,
    `$1@${version}`,
  );
}

/** Way 1's page bundled into `outDir` with the app's esbuild (way 1's second bundle command). */
async function bundleWay1Page(dir: string, outDir: string, tarballs: Tarballs): Promise<void> {
  write(join(dir, 'src/page.js'), docBlock('README.md', 'way1-page'));
  const pageCommand = shellCommands(docBlock('README.md', 'way1-bundle')).find((c) =>
    c.includes('src/page.js'),
  );
  if (!pageCommand) {
    throw new Error('README way 1: no esbuild command for src/page.js');
  }
  await sh(withTarballs(pageCommand.replace('public/', `${outDir}/`), tarballs), dir);
  write(join(dir, outDir, 'index.html'), way1Html());
}

/** README way 2: the build package's generateSW (build-sw.js as written). */
export async function buildWay2(dir: string, tarballs: Tarballs): Promise<Site> {
  newApp(dir);
  await runShellBlock(docBlock('README.md', 'way2-install'), dir, tarballs);
  await runShellBlock(
    docBlock('packages/workbox-background-fetch-build/README.md', 'install'),
    dir,
    tarballs,
  );
  return buildWithScript(dir, tarballs, docBlock('README.md', 'way2-generate-sw'));
}

/** README way 2's backgroundFetchPlugin() two-liner in a plain workbox-build script (in the way 2 app). */
export async function buildTwoLiner(dir: string, tarballs: Tarballs): Promise<Site> {
  mkdirSync(dir, {recursive: true});
  return buildWithScript(dir, tarballs, docBlock('README.md', 'way2-two-liner'));
}

/** Way 1's page bundled into dist/, then `script` (a README block) as build-sw.js, run with node. */
async function buildWithScript(dir: string, tarballs: Tarballs, script: string): Promise<Site> {
  await bundleWay1Page(dir, 'dist', tarballs);
  write(join(dir, 'build-sw.js'), script);
  await sh('node build-sw.js', dir);
  return talkSite(join(dir, 'dist'));
}

/** README way 3: the CLI's init → copyLibraries → generateSW, and the plain-script page. */
export async function buildWay3(dir: string, tarballs: Tarballs): Promise<Site> {
  newApp(dir);
  write(join(dir, 'public/index.html'), docBlock('README.md', 'way3-page'));
  await runShellBlock(docBlock('README.md', 'way3-cli'), dir, tarballs);
  // The cache is the one of the /media/ route of the config `init` wrote.
  const config = readFileSync(join(dir, 'workbox-config.js'), 'utf8');
  const cacheName =
    /cacheName:\s*'([^']+)'/.exec(config)?.[1] ?? '(no cacheName in workbox-config.js)';
  return {
    root: join(dir, 'public'),
    media: '/media/lecture-1.wav',
    cacheName,
    start: 'load',
    readyFlag: false,
    videoOnSuccess: false,
  };
}

/**
 * examples/vite copied into a fresh app, the README's Vite install, then the
 * example README's build commands: injectManifest, then generateSW.
 */
export async function buildVite(
  dir: string,
  tarballs: Tarballs,
): Promise<{injectManifest: Site; generateSW: Site}> {
  const example = join(repoRoot, 'examples/vite');
  const pkg = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  newApp(dir, {type: 'module', scripts: pkg.scripts});
  for (const entry of readdirSync(example)) {
    if (!['package.json', 'README.md', 'node_modules', 'dist'].includes(entry)) {
      cpSync(join(example, entry), join(dir, entry), {recursive: true});
    }
  }
  await runShellBlock(docBlock('README.md', 'vite-install'), dir, tarballs);
  const outputs = ['dist-inject-manifest', 'dist-generate-sw'];
  await runShellBlock(docBlock('examples/vite/README.md', 'build'), dir, tarballs, (i) => {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(`examples/vite build command ${i + 1} wrote no dist/`);
    }
    renameSync(join(dir, 'dist'), join(dir, outputs[i]));
  });
  return {
    injectManifest: talkSite(join(dir, outputs[0]), true),
    generateSW: talkSite(join(dir, outputs[1]), true),
  };
}

/**
 * The version of each workbox module a bundle holds, from the
 * `workbox:<module>:<version>` markers every workbox module carries.
 */
export function workboxVersionsIn(code: string): Record<string, string[]> {
  const versions: Record<string, Set<string>> = {};
  for (const match of code.matchAll(/workbox:([a-z-]+):(\d+\.\d+\.\d+)/g)) {
    versions[match[1]] ??= new Set();
    versions[match[1]].add(match[2]);
  }
  return Object.fromEntries(Object.entries(versions).map(([k, v]) => [k, [...v].sort()]));
}
