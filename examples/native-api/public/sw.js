// The one line of this project in the worker:
importScripts('/vendor/workbox-background-fetch/polyfill.js');

// The rest is the native API, as the articles show it.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('backgroundfetchsuccess', (event) => {
  const bgFetch = event.registration;
  event.waitUntil(
    (async () => {
      // Create/open a cache and copy every record into it.
      const cache = await caches.open('downloads');
      const records = await bgFetch.matchAll();
      await Promise.all(
        records.map(async (record) => {
          const response = await record.responseReady;
          await cache.put(record.request, response);
        }),
      );
      // Update the browser UI.
      await event.updateUI({title: 'Episode 5 is ready to listen!'});
    })(),
  );
});

self.addEventListener('backgroundfetchfail', (event) => {
  event.waitUntil(event.updateUI({title: `Episode 5 failed: ${event.registration.failureReason}`}));
});

self.addEventListener('backgroundfetchclick', (event) => {
  const bgFetch = event.registration;
  const url = bgFetch.result === 'success' ? '/?played=episode-5' : '/';
  event.waitUntil(self.clients.openWindow(url));
});
