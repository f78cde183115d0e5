/*
  The page helpers of every runtime browser suite (plain script, no
  bundling): `window.fb`. Tests call them with `browser.evaluate('() =>
  fb.…')`. The worker sides are support/workers/ (see support/README.md).
*/
window.fb = {
  /** Per job id: {progress, downloaded, result, failureReason, backend, times} from its progress events. */
  jobs: {},
  /** Per job id: the page's registration. */
  registrations: {},
  /** Library `change` events this page saw, per queue: [{id, change}] (see fb.libraryManager). */
  changes: {},
  libraryManagers: {},

  /** Registers `swUrl` and resolves with true once it controls the page. */
  async registerWorker(swUrl = '/sw.js') {
    await navigator.serviceWorker.register(swUrl, {scope: '/'});
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, {once: true}),
      );
    }
    return true;
  },

  /** A new manager of `queue` (each call also wakes the worker). */
  manager(queue = 'dl') {
    return workbox.backgroundFetchWindow.backgroundFetchManager({queue});
  },

  /** The manager of `queue` made once for this page, whose library's change events land in fb.changes[queue]. */
  async libraryManager(queue) {
    if (!fb.libraryManagers[queue]) {
      const manager = await workbox.backgroundFetchWindow.backgroundFetchManager({queue});
      fb.changes[queue] = [];
      manager.library.addEventListener('change', (event) =>
        fb.changes[queue].push({id: event.id, change: event.change}),
      );
      fb.libraryManagers[queue] = manager;
    }
    return fb.libraryManagers[queue];
  },

  /** Starts a job of the fallback worker's queue 'dl'; its progress lands in fb.jobs[id]. */
  start(id, urls, options) {
    return fb.startJob('dl', id, urls, options || {});
  },

  /** Starts a job of `queue` from the page; its progress lands in fb.jobs[id]. */
  async startJob(queue, id, urls, options) {
    const registration = await (await fb.manager(queue)).fetch(id, urls, options);
    fb.watch(id, registration);
    return {
      id: registration.id,
      backend: registration.backend,
      downloadTotal: registration.downloadTotal,
      persisted: registration.persisted === undefined ? 'undefined' : registration.persisted,
    };
  },

  /** Records `registration`'s progress events in fb.jobs[id]. */
  watch(id, registration) {
    const job = {
      progress: 0,
      downloaded: 0,
      result: '',
      failureReason: '',
      backend: registration.backend,
      times: [],
    };
    fb.jobs[id] = job;
    fb.registrations[id] = registration;
    registration.addEventListener('progress', () => {
      job.progress += 1;
      job.times.push(Date.now());
      job.downloaded = registration.downloaded;
      job.result = registration.result;
      job.failureReason = registration.failureReason;
    });
  },

  /** Errors as "Name: message" strings. */
  async attempt(fn) {
    try {
      await fn();
      return 'resolved';
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
  },

  /** Sends a test hook message ({test: name, ...}) to the worker and resolves with its reply. */
  ask(message) {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) =>
        e.data.error
          ? reject(Object.assign(new Error(e.data.error.message), {name: e.data.error.name}))
          : resolve(e.data.value);
      navigator.serviceWorker.controller.postMessage(message, [channel.port2]);
    });
  },

  /** What the test worker logged (support/workers/shared.ts), oldest first. */
  async events() {
    if (!(await caches.has('test-events'))) return [];
    const cache = await caches.open('test-events');
    const events = await Promise.all(
      (await cache.keys()).map(async (k) => (await cache.match(k)).json()),
    );
    return events.sort((a, b) => a.seq - b.seq);
  },

  /** The first event the worker logged for job `id` (undefined when none yet). */
  async event(id) {
    return (await fb.events()).find((e) => e.id === id);
  },

  /** SHA-256 (hex) of a cached response's body, or null when not cached; `matchOptions` go to cache.match(). */
  async hash(cacheName, url, matchOptions) {
    if (!(await caches.has(cacheName))) return null;
    const response = await (await caches.open(cacheName)).match(url, matchOptions);
    if (!response) return null;
    return fb.digest(await response.arrayBuffer());
  },

  async digest(buffer) {
    const digest = await crypto.subtle.digest('SHA-256', buffer);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  },

  /** Deletes a cached record behind the library's back. */
  async deleteCached(cacheName, url) {
    return (await caches.open(cacheName)).delete(url, {ignoreVary: true});
  },

  /** A Range fetch through the worker: {status, contentRange, size, hash} or {error}. */
  async fetchRange(url, range) {
    try {
      const response = await fetch(url, {headers: {Range: range}});
      const body = await response.arrayBuffer();
      return {
        status: response.status,
        contentRange: response.headers.get('content-range'),
        contentType: response.headers.get('content-type'),
        size: body.byteLength,
        hash: await fb.digest(body),
      };
    } catch (error) {
      return {error: error.name};
    }
  },

  /**
   * `getAll` or `getAllKeys` of an IndexedDB store, `[]` when the database
   * or the store does not exist (without creating either).
   */
  async idbRead(dbName, storeName, method) {
    if (indexedDB.databases && !(await indexedDB.databases()).some((db) => db.name === dbName))
      return [];
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onupgradeneeded = () => request.transaction.abort();
      request.onerror = () => resolve([]);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(storeName)) {
          db.close();
          resolve([]);
          return;
        }
        const read = db.transaction(storeName).objectStore(storeName)[method]();
        read.onsuccess = () => {
          db.close();
          resolve(read.result);
        };
        read.onerror = () => reject(read.error);
      };
    });
  },

  /** Every IndexedDB key of a store (strings joined by '|'), without creating the database. */
  async idbKeys(dbName, storeName) {
    const keys = await fb.idbRead(dbName, storeName, 'getAllKeys');
    return keys.map((key) => (Array.isArray(key) ? key.join('|') : String(key)));
  },

  /** The byte ranges the fallback's job records say are stored for `path` ([start, end) pairs). */
  async storedRanges(path) {
    const jobs = await fb.idbRead('workbox-background-fetch', 'jobs', 'getAll');
    return jobs.flatMap((job) =>
      job.files
        .filter((file) => new URL(file.request.url).pathname === path)
        .flatMap((file) => file.chunks.map(({start, end}) => [start, end])),
    );
  },

  /** Whatever the fallback keeps of unfinished jobs: must be all zero after the end. */
  async leftovers() {
    const chunkCache = (await caches.has('workbox-background-fetch-chunks'))
      ? (await (await caches.open('workbox-background-fetch-chunks')).keys()).length
      : 0;
    return {
      jobRecords: (await fb.idbKeys('workbox-background-fetch', 'jobs')).length,
      idbChunks: (await fb.idbKeys('workbox-background-fetch-chunks', 'chunks')).length,
      cacheChunks: chunkCache,
    };
  },

  // The downloads library (library.test.ts), through fb.libraryManager(queue).

  async libraryList(queue) {
    return (await fb.libraryManager(queue)).library.list();
  },
  async libraryGet(queue, id) {
    return (await (await fb.libraryManager(queue)).library.get(id)) ?? null;
  },
  async libraryRemove(queue, id) {
    return (await fb.libraryManager(queue)).library.remove(id);
  },

  /** The download library's IndexedDB keys ('entry|queue|id', 'pending|queue|id') of `queue`. */
  async libraryKeys(queue) {
    const keys = await fb.idbKeys('workbox-background-fetch-library', 'entries');
    return keys.filter((key) => key.split('|')[1] === queue);
  },

  /** What is left anywhere of `urls`, of `queue`'s library and of the fallback's bytes. */
  async libraryLeftovers(queue, urls) {
    const cached = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        if (urls.some((url) => request.url.startsWith(url))) cached.push(`${name} ${request.url}`);
      }
    }
    return {cached, libraryKeys: await fb.libraryKeys(queue), ...(await fb.leftovers())};
  },

  /** Loads the second page in an iframe (once) and waits for its library manager of `queue`. */
  async openSecondPage(queue) {
    let frame = document.querySelector('iframe');
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = '/frame.html';
      document.body.append(frame);
      await new Promise((resolve) => frame.addEventListener('load', resolve, {once: true}));
    }
    await frame.contentWindow.fb.libraryManager(queue);
    return true;
  },
  /** The change events the second page saw. */
  secondPageChanges(queue) {
    return document.querySelector('iframe').contentWindow.fb.changes[queue];
  },
  /** Removes an entry from the second page. */
  removeFromSecondPage(queue, id) {
    return document.querySelector('iframe').contentWindow.fb.libraryRemove(queue, id);
  },
};
