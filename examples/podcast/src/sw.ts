/*
  The podcast's service worker: a custom worker built around a
  BackgroundFetchQueue (bundled with esbuild, so workbox-routing is one copy
  shared with workbox-background-fetch).

  - The app shell is precached, so the page loads with the network cut.
  - Audio is served by a CacheFirst route with RangeRequestsPlugin: a
    finished download plays and seeks offline (206 slices of the cached
    file). Its BackgroundFetchPlugin answers Range requests for an episode
    still downloading with the fallback from the bytes already stored:
    playback while downloading.
  - The 'episodes' queue runs the downloads the page starts: native
    Background Fetch in Chromium, the resumable chunked fallback elsewhere.
    Finished audio lands in the route's cache ('podcast-episodes') before
    onSuccess runs, because that route's strategy serves its URL.
*/
import {clientsClaim} from 'workbox-core';
import {cleanupOutdatedCaches, matchPrecache, precacheAndRoute} from 'workbox-precaching';
import {registerRoute} from 'workbox-routing';
import {CacheFirst} from 'workbox-strategies';
import {RangeRequestsPlugin} from 'workbox-range-requests';
import {BackgroundFetchPlugin, BackgroundFetchQueue} from 'workbox-background-fetch';
import type {WorkboxPlugin} from 'workbox-core/types.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{url: string; revision: string | null}>;
};

interface Episode {
  id: string;
  title: string;
  art: string;
}

self.skipWaiting();
clientsClaim();

// The app shell. `/?episode=ep-3` (the episode page) is the same index.html.
precacheAndRoute(self.__WB_MANIFEST, {ignoreURLParametersMatching: [/.*/]});
cleanupOutdatedCaches();

/** Only complete 200 responses are cached (never a 206 or an opaque one). */
const completeResponsesOnly: WorkboxPlugin = {
  cacheWillUpdate: async ({response}) => (response.status === 200 ? response : null),
};

registerRoute(
  ({url}) => url.origin === self.location.origin && url.pathname.startsWith('/media/'),
  new CacheFirst({
    cacheName: 'podcast-episodes',
    plugins: [
      completeResponsesOnly,
      new RangeRequestsPlugin(),
      // The queue is looked up by name when a request comes. No hand-off:
      // downloads start from the page only.
      new BackgroundFetchPlugin('episodes', {handOff: false}),
    ],
  }),
);

async function episode(id: string): Promise<Episode> {
  try {
    const response = await matchPrecache('/episodes.json');
    const list = (await response!.json()) as {episodes: Episode[]};
    const found = list.episodes.find((e) => e.id === id);
    if (found) return found;
  } catch {
    // Fall through.
  }
  return {id, title: id, art: '/icon-192.png'};
}

/** Focuses a window showing the episode's page, else opens one. */
async function openEpisodePage(id: string): Promise<void> {
  const url = new URL(`/?episode=${encodeURIComponent(id)}`, self.location.origin).href;
  const windows = await self.clients.matchAll({type: 'window', includeUncontrolled: true});
  const open = windows.find((client) => client.url === url);
  if (open) {
    await open.focus();
    return;
  }
  await self.clients.openWindow(url);
}

new BackgroundFetchQueue('episodes', {
  // The audio is already in 'podcast-episodes' when this runs.
  onSuccess: async ({registration, updateUI}) => {
    const {title, art} = await episode(registration.id);
    await updateUI({
      title: `${title} is ready to play offline`,
      icons: [{src: art, sizes: '256x256', type: 'image/png'}],
    });
  },
  onFail: async ({registration, updateUI}) => {
    const {title} = await episode(registration.id);
    await updateUI({title: `${title} could not be downloaded (${registration.failureReason})`});
  },
  // A click on the browser's download UI (native) or on the download's
  // notification (fallback) opens the episode's page.
  onClick: ({registration}) => openEpisodePage(registration.id),
});
