/*
  The service worker globals the runtime touches, faked at their I/O edges
  for Node unit tests: a fresh IndexedDB (fake-indexeddb), Cache Storage in
  memory, BroadcastChannel in memory, `fetch`, `navigator.onLine` and the
  storage estimate, `self.registration` (scope, notifications),
  `self.serviceWorker` and `ExtendableEvent`. Install them before the runtime's modules load (see
  `loadWorkerModule`), remove them after each test.
*/
import {IDBFactory, IDBKeyRange} from 'fake-indexeddb';
import {FakeBroadcastChannel} from './fakeBroadcastChannel';
import {FakeCacheStorage} from './fakeCaches';
import {defineGlobal, loadIsolated, restoreGlobals} from './globals';

/** A call of `self.registration.showNotification()`. */
export interface ShownNotification {
  title: string;
  options: NotificationOptions;
  closed: boolean;
}

/** The fake worker around the code under test, for a test to steer and read. */
export interface WorkerWorld {
  /** `self`: `registration`, `location`, `caches`, `serviceWorker`; dispatch `online` on it. */
  self: EventTarget & Record<string, unknown>;
  caches: FakeCacheStorage;
  indexedDB: IDBFactory;
  /** `navigator.onLine`. */
  online: boolean;
  /** What `navigator.storage.estimate()` answers (`null`: no estimate). */
  estimate: StorageEstimate | null;
  /** Every notification shown, in order (replaced ones stay, with `closed`). */
  notifications: ShownNotification[];
  /** `Notification.permission`. */
  permission: NotificationPermission;
  /** Tags that Background Sync was asked to wake the worker for. */
  syncTags: string[];
}

/** The worker's `ExtendableEvent`: `waitUntil()` collects its promises in `extensions`. */
export class FakeExtendableEvent extends Event {
  readonly extensions: Array<Promise<unknown>> = [];

  waitUntil(promise: Promise<unknown>): void {
    this.extensions.push(promise);
  }
}

export const WORKER_ORIGIN = 'https://app.test';
export const WORKER_SCOPE = `${WORKER_ORIGIN}/`;

/** Installs a fresh fake worker (empty stores); `fetch` answers with `fetchImpl`. */
export function installWorkerGlobals(fetchImpl?: typeof fetch): WorkerWorld {
  const scope = new EventTarget() as WorkerWorld['self'];
  const world: WorkerWorld = {
    self: scope,
    caches: new FakeCacheStorage(),
    indexedDB: new IDBFactory(),
    online: true,
    estimate: null,
    notifications: [],
    permission: 'granted',
    syncTags: [],
  };
  const registration = {
    scope: WORKER_SCOPE,
    active: null,
    async showNotification(title: string, options: NotificationOptions = {}) {
      for (const shown of world.notifications) {
        shown.closed ||= shown.options.tag === options.tag;
      }
      world.notifications.push({title, options, closed: false});
    },
    async getNotifications({tag}: {tag?: string} = {}) {
      return world.notifications
        .filter((shown) => !shown.closed && (tag === undefined || shown.options.tag === tag))
        .map((shown) => ({
          ...shown.options,
          title: shown.title,
          close: () => {
            shown.closed = true;
          },
        }));
    },
    sync: {
      async register(tag: string) {
        world.syncTags.push(tag);
      },
    },
  };
  Object.assign(scope, {
    // Workbox's development logs: quiet unless a test turns them on.
    __WB_DISABLE_DEV_LOGS: true,
    location: new URL(WORKER_SCOPE),
    registration,
    caches: world.caches,
    serviceWorker: Object.assign(new EventTarget(), {state: 'activated'}),
  });
  defineGlobal('self', scope);
  defineGlobal('location', scope.location);
  defineGlobal('navigator', {
    get onLine() {
      return world.online;
    },
    storage: {
      async estimate() {
        if (!world.estimate) {
          throw new TypeError('No estimate here.');
        }
        return world.estimate;
      },
    },
  });
  // Workbox's logger reads `self`'s flag, and sets it unless `globalThis` has one.
  defineGlobal('__WB_DISABLE_DEV_LOGS', true);
  defineGlobal('indexedDB', world.indexedDB);
  defineGlobal('IDBKeyRange', IDBKeyRange);
  defineGlobal('caches', world.caches);
  defineGlobal('BroadcastChannel', FakeBroadcastChannel);
  defineGlobal('ExtendableEvent', FakeExtendableEvent);
  defineGlobal('Notification', {
    get permission() {
      return world.permission;
    },
  });
  if (fetchImpl) {
    defineGlobal('fetch', fetchImpl);
  }
  return world;
}

/** Puts back what `installWorkerGlobals` replaced and disconnects every fake channel. */
export const removeWorkerGlobals = restoreGlobals;

/** Loads worker code as a newly started worker (see `loadIsolated`); after `installWorkerGlobals`. */
export const loadWorkerModule = loadIsolated;
