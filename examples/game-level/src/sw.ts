/*
  The game's service worker. A level is one background fetch of all its
  files. On success the queue has put every file in the route's cache. On
  failure — level 2 lists a tile the server does not have, so its job ends
  with 'bad-status' — onFail keeps what arrived: every record with a
  complete, ok response goes into the same cache, and a report of what is
  missing is left for the page.
*/
import {clientsClaim} from 'workbox-core';
import {cleanupOutdatedCaches, matchPrecache, precacheAndRoute} from 'workbox-precaching';
import {registerRoute} from 'workbox-routing';
import {CacheFirst} from 'workbox-strategies';
import {RangeRequestsPlugin} from 'workbox-range-requests';
import {BackgroundFetchQueue} from 'workbox-background-fetch';
import type {BackgroundFetchQueueEvent} from 'workbox-background-fetch';
import type {WorkboxPlugin} from 'workbox-core/types.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{url: string; revision: string | null}>;
};

/** Where level files live (the route's cache). */
const LEVEL_CACHE = 'game-levels';
/** Where onFail leaves its report, at /reports/<level id>.json. */
const REPORT_CACHE = 'game-level-reports';

self.skipWaiting();
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const completeResponsesOnly: WorkboxPlugin = {
  cacheWillUpdate: async ({response}) => (response.status === 200 ? response : null),
};

// Level files; the soundtrack seeks with Range from the cached file.
registerRoute(
  ({url}) => url.origin === self.location.origin && url.pathname.startsWith('/levels/'),
  new CacheFirst({
    cacheName: LEVEL_CACHE,
    plugins: [completeResponsesOnly, new RangeRequestsPlugin()],
  }),
);

async function levelTitle(id: string): Promise<string> {
  try {
    const {levels} = (await (await matchPrecache('/levels.json'))!.json()) as {
      levels: Array<{id: string; title: string}>;
    };
    return levels.find((level) => level.id === id)?.title ?? id;
  } catch {
    return id;
  }
}

const reportUrl = (id: string) => `/reports/${encodeURIComponent(id)}.json`;

/** Puts every complete, ok record of a failed job into the level cache. */
async function keepWhatArrived({registration, updateUI}: BackgroundFetchQueueEvent): Promise<void> {
  const cache = await caches.open(LEVEL_CACHE);
  const kept: string[] = [];
  const missing: Array<{url: string; status: number}> = [];
  for (const record of await registration.matchAll()) {
    const url = new URL(record.request.url).pathname;
    try {
      const response = await record.responseReady;
      const body = await response.blob();
      // A native record cut mid-body can look like an empty 200: skip those.
      if (response.status === 200 && body.size > 0) {
        await cache.put(record.request, new Response(body, {headers: response.headers}));
        kept.push(url);
      } else {
        missing.push({url, status: response.status});
      }
    } catch {
      missing.push({url, status: 0});
    }
  }
  const report = {
    id: registration.id,
    failureReason: registration.failureReason,
    kept: kept.length,
    missing,
  };
  const reports = await caches.open(REPORT_CACHE);
  await reports.put(reportUrl(registration.id), Response.json(report));
  const title = await levelTitle(registration.id);
  await updateUI({
    title: `${title}: ${kept.length} files kept, ${missing.length} missing`,
  });
}

new BackgroundFetchQueue('levels', {
  onSuccess: async ({registration, updateUI}) => {
    await (await caches.open(REPORT_CACHE)).delete(reportUrl(registration.id));
    await updateUI({title: `${await levelTitle(registration.id)} is ready to play offline`});
  },
  onFail: keepWhatArrived,
});
