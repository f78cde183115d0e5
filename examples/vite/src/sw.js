// src/sw.js: vite-plugin-pwa bundles it and puts the precache list in self.__WB_MANIFEST.
import {clientsClaim} from 'workbox-core';
import {precacheAndRoute} from 'workbox-precaching';
import {backgroundFetchRecipe} from 'workbox-background-fetch';

self.skipWaiting();
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);

// The 'downloads' queue, and a CacheFirst route for /media/ (Range requests
// answered from the cache) whose 'media' cache finished downloads land in.
backgroundFetchRecipe({queue: 'downloads', urlPattern: /\/media\//, cacheName: 'media', clickUrl: '/'});
