/** What `init` writes. @private */
export interface TemplateOptions {
  /** Which command the config is for. */
  command: 'generateSW' | 'injectManifest';
  /** The folder of the built site. */
  globDirectory: string;
  /** `export default` instead of `module.exports =`. */
  esm: boolean;
}

function wrap(body: string, esm: boolean): string {
  return `${esm ? 'export default' : 'module.exports ='} {\n${body}};\n`;
}

/**
 * A commented config for `generateSW` or `injectManifest`, with a
 * `backgroundFetch` section.
 *
 * @private
 */
export function configTemplate({command, globDirectory, esm}: TemplateOptions): string {
  const dir = JSON.stringify(globDirectory).slice(1, -1);
  const header =
    `// Config of "workbox-background-fetch ${command}".\n` +
    `// Every workbox-build ${command} option works here; this file adds Background Fetch.\n` +
    `// Paths are relative to the folder you run the command in.\n`;
  if (command === 'generateSW') {
    return (
      header +
      wrap(
        `  // Your built site, and the files of it to precache.
  globDirectory: '${dir}',
  globPatterns: ['**/*.{html,js,css,svg,png,json}'],
  // Not precached: downloaded media (the queue stores it), source maps, and
  // of the bundles "workbox-background-fetch copyLibraries" copies, all but
  // the page script (the generated worker carries its own runtime).
  globIgnores: [
    'media/**',
    '**/*.map',
    'workbox-background-fetch-v*/*.dev.js',
    'workbox-background-fetch-v*/workbox-background-fetch.prod.js',
  ],
  // The service worker to write. Register it from your pages.
  swDest: '${dir}/sw.js',

  // The Background Fetch queues the service worker creates. Pages start
  // downloads with workbox-background-fetch-window:
  //   const manager = await backgroundFetchManager({queue: 'downloads'});
  //   await manager.fetch('episode-5', ['/media/episode-5.mp3'], {title: 'Episode 5'});
  backgroundFetch: {
    queues: [
      {
        name: 'downloads',
        // What the download's UI says when a job ends ({id}: the job's id).
        successUI: {title: '{id} is ready'},
        failUI: {title: '{id} could not be downloaded'},
        // The page a click on the download's UI focuses or opens.
        clickUrl: '/',
        // Always use the resumable chunked download, even where the
        // browser has native Background Fetch:
        // forceFallback: true,
      },
    ],
  },

  runtimeCaching: [
    {
      // The downloaded files: served from the cache once there, and
      // seekable by <audio> and <video> (Range requests).
      urlPattern: /\\/media\\//,
      handler: 'CacheFirst',
      options: {
        cacheName: 'media',
        rangeRequests: true,
        // Finished downloads of the queue whose URLs match land in this
        // cache, through its plugins; a GET that fails here (offline)
        // becomes a background download.
        backgroundFetch: {
          queue: 'downloads',
          // What the page gets meanwhile (optional):
          // responseWhileQueued: '<p>Downloading in the background…</p>',
        },
      },
    },
  ],
`,
        esm,
      )
    );
  }
  return (
    header +
    wrap(
      `  // Your service worker: bundled with esbuild, so it can import
  // 'workbox-background-fetch' and other packages; self.__WB_MANIFEST in it
  // becomes the precache list.
  swSrc: 'src/sw.js',
  swDest: '${dir}/sw.js',
  // Your built site, and the files of it to precache.
  globDirectory: '${dir}',
  globPatterns: ['**/*.{html,js,css,svg,png,json}'],
  // Not precached: downloaded media (the queue stores it), source maps, and
  // of the bundles "workbox-background-fetch copyLibraries" copies, all but
  // the page script (the generated worker carries its own runtime).
  globIgnores: [
    'media/**',
    '**/*.map',
    'workbox-background-fetch-v*/*.dev.js',
    'workbox-background-fetch-v*/workbox-background-fetch.prod.js',
  ],

  // How the worker is bundled: 'production' (minified, no dev logs) or
  // 'development'.
  bundle: {mode: 'production', sourcemap: true},

  // Queues can also be declared here instead of in your worker; they are
  // created before your code runs (pick names your worker does not use):
  // backgroundFetch: {queues: [{name: 'podcasts', successUI: {title: '{id} is ready'}}]},
`,
      esm,
    )
  );
}

/** The worker `init --injectManifest` writes when `src/sw.js` does not exist. @private */
export const workerTemplate = `// Your service worker. "workbox-background-fetch injectManifest" bundles it
// (imports work) and replaces self.__WB_MANIFEST with the precache list.
import {precacheAndRoute} from 'workbox-precaching';
import {backgroundFetchRecipe} from 'workbox-background-fetch';

precacheAndRoute(self.__WB_MANIFEST);

// Large downloads: a queue, a CacheFirst route for /media/ that <audio> and
// <video> can seek in, and a click on the download's UI that brings the app
// back. Pages start downloads with workbox-background-fetch-window.
backgroundFetchRecipe({
  queue: {
    name: 'downloads',
    onSuccess: ({registration, updateUI}) => updateUI({title: registration.id + ' is ready'}),
  },
  urlPattern: /\\/media\\//,
  cacheName: 'media',
  clickUrl: '/',
});
`;
