/*
  The download library (queue.library) on fake-indexeddb and Cache
  Storage in memory: what a media app lists, sizes and deletes, and the
  change messages pages get.
*/
import {LIBRARY_CHANNEL_NAME} from '../../src/protocol';
import {listenOn} from './support/fakeBroadcastChannel';
import {holdStore, openDatabase} from './support/holdIndexedDb';
import {STORAGE_WAIT_MS} from '../../src/lib/fallback/jobStore';
import {
  WORKER_ORIGIN,
  installWorkerGlobals,
  loadWorkerModule,
  removeWorkerGlobals,
} from './support/workerGlobals';
import type {WorkerWorld} from './support/workerGlobals';
import type * as DownloadLibraryModule from '../../src/DownloadLibrary';

let world: WorkerWorld;
let DownloadLibrary: typeof DownloadLibraryModule.DownloadLibrary;

beforeEach(() => {
  world = installWorkerGlobals();
  ({DownloadLibrary} = loadWorkerModule(
    () => require('../../src/DownloadLibrary') as typeof DownloadLibraryModule,
  ));
});
afterEach(() => {
  jest.restoreAllMocks();
  removeWorkerGlobals();
});

const EPISODE = `${WORKER_ORIGIN}/media/ep-5.mp3`;
const COVER = `${WORKER_ORIGIN}/img/ep-5.jpg`;

/** Caches `body` under `url` in `cacheName`, as cacheRecords() would have. */
async function cache(cacheName: string, url: string, body: string, type: string) {
  await (await world.caches.open(cacheName)).put(
    url,
    new Response(body, {headers: {'content-type': type}}),
  );
  return {url, cacheName};
}

/** Lets queued channel messages arrive. */
const delivered = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('DownloadLibrary', () => {
  test('a finished job is listed with its title, icons, sizes and types; pages are told', async () => {
    const page = listenOn(LIBRARY_CHANNEL_NAME);
    const library = new DownloadLibrary('episodes', true);
    jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    await library._prepare('ep-5', {
      title: 'Episode 5',
      icons: [{src: '/ep-5.png', sizes: '96x96'}],
    });
    const records = [
      await cache('media', EPISODE, 'audio bytes', 'audio/mpeg'),
      await cache('images', COVER, 'jpg', 'image/jpeg'),
    ];
    await library._add('ep-5', records);
    const expected = {
      id: 'ep-5',
      title: 'Episode 5',
      icons: [{src: '/ep-5.png', sizes: '96x96'}],
      finishedAt: 1_700_000_000_000,
      bytes: 'audio bytes'.length + 'jpg'.length,
      missing: false,
      records: [
        {url: EPISODE, cacheName: 'media', bytes: 11, contentType: 'audio/mpeg', missing: false},
        {url: COVER, cacheName: 'images', bytes: 3, contentType: 'image/jpeg', missing: false},
      ],
    };
    expect(await library.list()).toEqual([expected]);
    expect(await library.get('ep-5')).toEqual(expected);
    await delivered();
    expect(page.messages).toEqual([
      {type: 'WBF_LIBRARY_CHANGE', queue: 'episodes', id: 'ep-5', change: 'added'},
    ]);
  });

  test('newest first, and each queue lists only its own downloads', async () => {
    const episodes = new DownloadLibrary('episodes', true);
    const films = new DownloadLibrary('films', true);
    const now = jest.spyOn(Date, 'now');
    for (const [id, at] of [
      ['ep-1', 1000],
      ['ep-3', 3000],
      ['ep-2', 2000],
    ] as const) {
      now.mockReturnValue(at);
      await episodes._add(id, [await cache('media', `${WORKER_ORIGIN}/${id}`, id, 'audio/mpeg')]);
    }
    await films._add('film', [await cache('media', `${WORKER_ORIGIN}/film`, 'f', 'video/mp4')]);
    expect((await episodes.list()).map(({id}) => id)).toEqual(['ep-3', 'ep-2', 'ep-1']);
    expect((await films.list()).map(({id}) => id)).toEqual(['film']);
    expect(await films.get('ep-1')).toBeUndefined();
  });

  test('a record evicted or deleted behind its back is missing (the entry stays until removed)', async () => {
    const library = new DownloadLibrary('episodes', true);
    await library._add('ep-5', [
      await cache('media', EPISODE, 'a', 'audio/mpeg'),
      await cache('images', COVER, 'i', 'image/jpeg'),
    ]);
    await (await world.caches.open('media')).delete(EPISODE);
    await world.caches.delete('images');
    const entry = await library.get('ep-5');
    expect(entry?.missing).toBe(true);
    expect(entry?.records.map(({missing}) => missing)).toEqual([true, true]);
    // Looking did not bring the deleted cache back.
    expect(await world.caches.has('images')).toBe(false);
  });

  test('remove() deletes the records from their caches, then the entry; pages are told; false the second time', async () => {
    const library = new DownloadLibrary('episodes', true);
    await library._add('ep-5', [await cache('media', EPISODE, 'a', 'audio/mpeg')]);
    const page = listenOn(LIBRARY_CHANNEL_NAME);
    expect(await library.remove('ep-5')).toBe(true);
    expect(world.caches.urls('media')).toEqual([]);
    expect(await library.list()).toEqual([]);
    expect(await library.remove('ep-5')).toBe(false);
    await delivered();
    expect(page.messages).toEqual([
      {type: 'WBF_LIBRARY_CHANGE', queue: 'episodes', id: 'ep-5', change: 'removed'},
    ]);
  });

  test('remove() keeps a file another entry lists too (any queue): it stays cached and that entry is not missing', async () => {
    const episodes = new DownloadLibrary('episodes', true);
    const favourites = new DownloadLibrary('favourites', true);
    const shared = await cache('media', EPISODE, 'audio', 'audio/mpeg');
    const cover = await cache('images', COVER, 'jpg', 'image/jpeg');
    await episodes._add('season', [shared, cover]);
    await episodes._add('ep-5', [shared]);
    await favourites._add('fav', [shared]);
    expect(await episodes.remove('season')).toBe(true);
    expect(world.caches.urls('images')).toEqual([]);
    expect(world.caches.urls('media')).toEqual([EPISODE]);
    expect((await episodes.get('ep-5'))?.missing).toBe(false);
    expect(await episodes.remove('ep-5')).toBe(true);
    expect((await favourites.get('fav'))?.missing).toBe(false);
    expect(await favourites.remove('fav')).toBe(true);
    expect(world.caches.urls('media')).toEqual([]);
  });

  test('a job that fails to start forgets its title; one that ended at once (InvalidStateError) keeps it for its end', async () => {
    const library = new DownloadLibrary('episodes', true);
    const refused = new TypeError('bad request');
    await expect(
      library._starting('ep-1', {title: 'One'}, () => Promise.reject(refused)),
    ).rejects.toBe(refused);
    const ended = new DOMException('ended', 'InvalidStateError');
    await expect(
      library._starting('ep-2', {title: 'Two'}, () => Promise.reject(ended)),
    ).rejects.toBe(ended);
    await expect(library._starting('ep-3', {title: 'Three'}, async () => 'started')).resolves.toBe(
      'started',
    );
    for (const id of ['ep-1', 'ep-2', 'ep-3']) {
      await library._add(id, [await cache('media', `${WORKER_ORIGIN}/${id}`, id, 'audio/mpeg')]);
    }
    const titles = Object.fromEntries((await library.list()).map(({id, title}) => [id, title]));
    expect(titles).toEqual({'ep-1': '', 'ep-2': 'Two', 'ep-3': 'Three'});
  });

  test('_forget() drops the title and icons of a job that failed', async () => {
    const library = new DownloadLibrary('episodes', true);
    await library._prepare('ep-5', {title: 'Episode 5'});
    await library._forget('ep-5');
    await library._add('ep-5', [await cache('media', EPISODE, 'a', 'audio/mpeg')]);
    expect((await library.get('ep-5'))?.title).toBe('');
  });

  test('an IndexedDB that never answers: _add() and _forget() give up after STORAGE_WAIT_MS, so the queue callback after them still runs', async () => {
    const page = listenOn(LIBRARY_CHANNEL_NAME);
    const library = new DownloadLibrary('episodes', true);
    await library._prepare('ep-5', {title: 'Episode 5'});
    const records = [await cache('media', EPISODE, 'audio bytes', 'audio/mpeg')];
    const release = holdStore(await openDatabase('workbox-background-fetch-library'), 'entries');
    // fake-indexeddb schedules with setImmediate: only the clock is faked.
    jest.useFakeTimers({doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate']});
    try {
      let settled = 0;
      for (const call of [library._add('ep-5', records), library._forget('ep-6')]) {
        void call.then(() => settled++);
      }
      await jest.advanceTimersByTimeAsync(STORAGE_WAIT_MS - 100);
      expect(settled).toBe(0);
      await jest.advanceTimersByTimeAsync(200);
      expect(settled).toBe(2);
    } finally {
      jest.useRealTimers();
      release();
    }
    // Once IndexedDB answers, the entry the timed-out write was adding lands.
    for (let turn = 0; turn < 200 && page.messages.length === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(page.messages).toEqual([
      {type: 'WBF_LIBRARY_CHANGE', queue: 'episodes', id: 'ep-5', change: 'added'},
    ]);
    expect((await library.get('ep-5'))?.title).toBe('Episode 5');
  });

  test('a library created with library: false writes nothing', async () => {
    const library = new DownloadLibrary('episodes', false);
    await library._prepare('ep-5', {title: 'Episode 5'});
    await library._add('ep-5', [await cache('media', EPISODE, 'a', 'audio/mpeg')]);
    await library._forget('ep-5');
    expect(library.enabled).toBe(false);
    expect(await library.list()).toEqual([]);
  });
});
