// Config of "workbox-background-fetch generateSW": every workbox-build
// generateSW option works here; `backgroundFetch` (top level) and
// `options.backgroundFetch` (per route) add Background Fetch.
// Paths are relative to this folder (examples/cli).
module.exports = {
  // The site, and the files of it to precache: the page, its script and the
  // page library that `workbox-background-fetch copyLibraries public` copied.
  globDirectory: 'public/',
  globPatterns: ['**/*.{html,js,css,png}'],
  globIgnores: [
    'media/**',
    '**/*.map',
    'workbox-background-fetch-v*/*.dev.js',
    'workbox-background-fetch-v*/workbox-background-fetch.prod.js',
  ],
  swDest: 'public/sw.js',
  skipWaiting: true,
  clientsClaim: true,

  // The queue the generated worker creates. The page starts downloads with
  // workbox.backgroundFetchWindow.backgroundFetchManager({queue: 'downloads'}).
  backgroundFetch: {
    queues: [
      {
        name: 'downloads',
        successUI: {title: '{id} is ready to play offline'},
        failUI: {title: '{id} could not be downloaded'},
        // A click on the download's UI focuses or opens this page.
        clickUrl: '/',
      },
    ],
  },

  runtimeCaching: [
    {
      // Finished downloads land in this route's cache, and <audio> seeks in
      // them offline (Range requests answered from the cache).
      urlPattern: /\/media\//,
      handler: 'CacheFirst',
      options: {
        cacheName: 'media',
        rangeRequests: true,
        cacheableResponse: {statuses: [200]},
        backgroundFetch: {queue: 'downloads'},
      },
    },
  ],
};
