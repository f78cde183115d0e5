/*
  workbox-background-fetch/polyfill: the native Background Fetch API in a
  service worker, on every engine. Import it (or importScripts() its IIFE
  build, dist/iife/polyfill.js) at the top level of the worker:

    import 'workbox-background-fetch/polyfill';

    self.addEventListener('backgroundfetchsuccess', (event) => { … });

  Pages load workbox-background-fetch-window/polyfill.
*/
import {installWorkerPolyfill} from './lib/polyfill/installWorkerPolyfill.js';

installWorkerPolyfill();
