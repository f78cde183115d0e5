/*
  workbox-background-fetch-window/polyfill: the native Background Fetch API
  in pages, on every engine. Import it (or load its classic build,
  dist/iife/polyfill.js) before code that uses `registration.backgroundFetch`:

    import 'workbox-background-fetch-window/polyfill';

  The service worker loads workbox-background-fetch/polyfill.
*/
import {installPagePolyfill} from './lib/polyfill/installPagePolyfill.js';

installPagePolyfill();
