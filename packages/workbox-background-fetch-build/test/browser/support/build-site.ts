/*
  Builds the same small app (support/site: a page that downloads
  /media/talk.wav through workbox-background-fetch-window) with a service
  worker made each of the ways a user can: this package's generateSW(),
  backgroundFetchPlugin() in a plain workbox-build config, and the CLI's
  generateSW and injectManifest (with a worker using backgroundFetchRecipe).
  Every way uses the real workbox-build and the real, built runtime.
*/
import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import * as workboxBuild from 'workbox-build';
import {backgroundFetchPlugin, generateSW} from '../../../src/index';

/** The ways in, as the tests name them. */
export type Way =
  | 'generateSW()'
  | 'backgroundFetchPlugin() in workbox-build'
  | 'CLI generateSW'
  | 'CLI injectManifest + backgroundFetchRecipe()';

const repo = join(__dirname, '..', '..', '..', '..', '..');
const cliBin = join(repo, 'packages/workbox-background-fetch-cli/bin/workbox-background-fetch.js');

/** The window package's prebuilt scripts, which the page loads from /lib/. */
export const windowIifeDir = join(repo, 'packages/workbox-background-fetch-window/dist/iife');

/** The queue every way creates. */
const queue = {
  name: 'downloads',
  successUI: {title: '{id} is ready'},
  failUI: {title: '{id} failed'},
  clickUrl: '/',
};

/** The route every way ties to the queue. */
const routeOptions = {cacheName: 'media', rangeRequests: true};

/**
 * A plugin literal that marks what the route caches, to show records are
 * written through the route's plugins (generateSW ways).
 */
const MARK_PLUGIN = `{
  cacheWillUpdate: async ({response}) => {
    const headers = new Headers(response.headers);
    headers.set('X-Route-Plugin', 'media');
    return new Response(response.body, {status: response.status, statusText: response.statusText, headers});
  },
}`;
// eslint-disable-next-line no-new-func
const markPlugin = new Function(`return ${MARK_PLUGIN};`)() as Record<string, unknown>;

/** Fails early, with the command to run, when a package a way needs was not built. */
export function assertBuilt(): void {
  const needed = [
    join(repo, 'packages/workbox-background-fetch/dist/index.js'),
    join(repo, 'packages/workbox-background-fetch/dist/iife/workbox-background-fetch.prod.js'),
    join(windowIifeDir, 'workbox-background-fetch-window.dev.js'),
    join(repo, 'packages/workbox-background-fetch-cli/dist/index.js'),
  ];
  const missing = needed.filter((file) => !existsSync(file));
  if (missing.length) {
    throw new Error(`Not built: ${missing.join(', ')}. Run \`npm run build\` first.`);
  }
}

function cli(project: string, ...args: string[]): string {
  return execFileSync(process.execPath, [cliBin, ...args], {cwd: project, encoding: 'utf8'});
}

/**
 * Makes a project folder whose `public/` holds the app and a worker built
 * the given way.
 *
 * @return `public/` (to serve at /) and what the CLI printed, if it ran.
 */
export async function buildSite(way: Way): Promise<{publicDir: string; output: string}> {
  const project = mkdtempSync(join(tmpdir(), 'wbf-three-ways-'));
  const publicDir = join(project, 'public');
  cpSync(join(__dirname, 'site'), publicDir, {recursive: true});
  const precache = {globPatterns: ['*.{html,js}'], globIgnores: ['probe.js']};
  let output = '';
  switch (way) {
    case 'generateSW()':
      await generateSW({
        globDirectory: publicDir,
        swDest: join(publicDir, 'sw.js'),
        ...precache,
        importScripts: ['probe.js'],
        backgroundFetch: {queues: [queue]},
        runtimeCaching: [
          {
            urlPattern: /\/media\//,
            handler: 'CacheFirst',
            options: {
              ...routeOptions,
              plugins: [markPlugin],
              backgroundFetch: {queue: 'downloads'},
            },
          },
        ],
      });
      break;
    case 'backgroundFetchPlugin() in workbox-build': {
      // The two lines, with the config's own swDest: the plugin copies the
      // runtime next to the worker itself; **/*.js precaches no dev bundle.
      const downloads = backgroundFetchPlugin({
        queue: {...queue, cacheName: 'media'},
        swDest: join(publicDir, 'sw.js'),
      });
      await workboxBuild.generateSW({
        globDirectory: publicDir,
        swDest: join(publicDir, 'sw.js'),
        globPatterns: ['**/*.{html,js}'],
        globIgnores: precache.globIgnores,
        importScripts: [downloads.importScripts, 'probe.js'],
        runtimeCaching: [
          {
            urlPattern: /\/media\//,
            handler: 'CacheFirst',
            options: {...routeOptions, plugins: [downloads.plugin]},
          },
        ],
      });
      break;
    }
    case 'CLI generateSW':
      writeFileSync(
        join(project, 'workbox-config.js'),
        `module.exports = {
  globDirectory: 'public',
  globPatterns: ['*.{html,js}'],
  globIgnores: ['probe.js'],
  swDest: 'public/sw.js',
  importScripts: ['probe.js'],
  backgroundFetch: {queues: [${JSON.stringify(queue)}]},
  runtimeCaching: [{
    urlPattern: /\\/media\\//,
    handler: 'CacheFirst',
    options: {cacheName: 'media', rangeRequests: true, plugins: [${MARK_PLUGIN}], backgroundFetch: {queue: 'downloads'}},
  }],
};
`,
      );
      output = cli(project, 'generateSW');
      break;
    case 'CLI injectManifest + backgroundFetchRecipe()':
      mkdirSync(join(project, 'src'));
      writeFileSync(
        join(project, 'src', 'sw.js'),
        `import {precacheAndRoute} from 'workbox-precaching';
import {backgroundFetchRecipe} from 'workbox-background-fetch';

importScripts('probe.js');
precacheAndRoute(self.__WB_MANIFEST);
backgroundFetchRecipe({
  queue: {
    name: 'downloads',
    onSuccess: ({registration, updateUI}) => updateUI({title: registration.id + ' is ready'}),
  },
  urlPattern: /\\/media\\//,
  cacheName: 'media',
  clickUrl: '/',
});
`,
      );
      writeFileSync(
        join(project, 'workbox-config.js'),
        `module.exports = {
  swSrc: 'src/sw.js',
  swDest: 'public/sw.js',
  globDirectory: 'public',
  globPatterns: ['*.{html,js}'],
  globIgnores: ['probe.js'],
};
`,
      );
      output = cli(project, 'injectManifest');
      break;
  }
  mkdirSync(dirname(join(publicDir, 'sw.js')), {recursive: true});
  return {publicDir, output};
}

/**
 * A 16-bit PCM mono WAV file: `seconds` of a slow sweep at 11 025 Hz, the
 * same bytes on every run.
 */
export function wav(seconds: number): Buffer {
  const rate = 11025;
  const count = seconds * rate;
  const out = Buffer.alloc(44 + count * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + count * 2, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(count * 2, 40);
  let phase = 0;
  for (let i = 0; i < count; i++) {
    phase += (2 * Math.PI * (220 + (220 * i) / count)) / rate;
    out.writeInt16LE(Math.round(Math.sin(phase) * 8000), 44 + i * 2);
  }
  return out;
}
