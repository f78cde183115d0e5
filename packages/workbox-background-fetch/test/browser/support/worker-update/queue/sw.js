// Served with `const VERSION = <n>;` in front: each version is a new worker.
// A Workbox-style worker: one BackgroundFetchQueue that stores its records
// in the 'downloads' cache and says which version ran its onSuccess.
importScripts('/iife/workbox-background-fetch.dev.js');

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const events = new BroadcastChannel('test-events');

new workbox.backgroundFetch.BackgroundFetchQueue('downloads', {
  cacheName: 'downloads',
  onSuccess: ({registration}) => {
    events.postMessage({type: 'onSuccess', id: registration.id, version: VERSION});
  },
});

self.addEventListener('message', (event) => {
  if (event.data === 'version') {
    event.ports[0].postMessage(VERSION);
  }
});
