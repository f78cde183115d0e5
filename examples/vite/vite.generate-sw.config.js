// vite.generate-sw.config.js: generateSW, no worker code of your own.
import {defineConfig} from 'vite';
import {VitePWA} from 'vite-plugin-pwa';
import {backgroundFetchPlugin} from 'workbox-background-fetch-build';

// swDest: where vite-plugin-pwa writes the worker (Vite's outDir + /sw.js);
// the runtime that importScripts loads is copied next to it.
const downloads = backgroundFetchPlugin({queue: {name: 'downloads', cacheName: 'media'}, swDest: 'dist/sw.js'});

export default defineConfig({
  build: {target: 'es2022'}, // the page uses top-level await
  plugins: [
    VitePWA({
      strategies: 'generateSW',
      injectRegister: false, // the page registers /sw.js
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{html,js,css,png,svg}'],
        skipWaiting: true,
        clientsClaim: true,
        importScripts: [downloads.importScripts],
        runtimeCaching: [
          {
            urlPattern: /\/media\//,
            handler: 'CacheFirst',
            options: {cacheName: 'media', rangeRequests: true, plugins: [downloads.plugin]},
          },
        ],
      },
    }),
  ],
});
