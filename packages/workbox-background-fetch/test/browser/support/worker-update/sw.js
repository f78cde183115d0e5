// Served with `const VERSION = <n>;` in front: each version is a new worker.
importScripts('/iife/polyfill.js');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const events = new BroadcastChannel('test-events');

// Native API only: copy the records into a cache, then say which version did.
self.addEventListener('backgroundfetchsuccess', (event) => {
  const bgFetch = event.registration;
  event.waitUntil(
    (async () => {
      const cache = await caches.open('downloads');
      const records = await bgFetch.matchAll();
      await Promise.all(
        records.map(async (record) => cache.put(record.request, await record.responseReady)),
      );
      events.postMessage({type: event.type, id: bgFetch.id, version: VERSION});
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'version') {
    event.ports[0].postMessage(VERSION);
  }
});
