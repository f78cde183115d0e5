/*
  The film's service worker, built on backgroundFetchRecipe(): one call
  makes the 'films' queue and a CacheFirst route for /film/, where the
  job's 361 records land before onSuccess runs.
*/
import {clientsClaim} from 'workbox-core';
import {cleanupOutdatedCaches, matchPrecache, precacheAndRoute} from 'workbox-precaching';
import {backgroundFetchRecipe} from 'workbox-background-fetch';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{url: string; revision: string | null}>;
};

self.skipWaiting();
clientsClaim();
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

async function filmTitle(id: string): Promise<string> {
  try {
    const {films} = (await (await matchPrecache('/films.json'))!.json()) as {
      films: Array<{id: string; title: string}>;
    };
    return films.find((film) => film.id === id)?.title ?? id;
  } catch {
    return id;
  }
}

backgroundFetchRecipe({
  queue: {
    name: 'films',
    onSuccess: async ({registration, updateUI}) => {
      await updateUI({title: `${await filmTitle(registration.id)} is ready to watch offline`});
    },
    onFail: async ({registration, updateUI}) => {
      await updateUI({
        title: `${await filmTitle(registration.id)} could not be downloaded (${registration.failureReason})`,
      });
    },
  },
  matchCallback: ({url}) =>
    url.origin === self.location.origin && url.pathname.startsWith('/film/'),
  cacheName: 'films',
  // Segments are read whole, never with Range.
  rangeRequests: false,
  // A segment that misses while offline should fail, not start a download of its own.
  handOff: false,
  clickUrl: '/',
});
