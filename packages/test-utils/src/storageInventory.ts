import type {EngineSessionBase} from './browsers';

/**
 * What an origin keeps, as counts: `"idb:<database>/<store>"` → records and
 * `"cache:<name>"` → entries. Stores and caches that hold nothing are left
 * out, so `{}` means the origin keeps nothing (empty databases and caches
 * may exist).
 */
export type StorageInventory = Record<string, number>;

/** Runs in the page: counts every IndexedDB store and every cache of the origin. */
const INVENTORY_SOURCE = `async () => {
  const counts = {};
  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  if (typeof indexedDB.databases !== 'function') {
    throw new Error('indexedDB.databases() is missing: this engine cannot list its databases');
  }
  for (const {name} of await indexedDB.databases()) {
    const db = await request(indexedDB.open(name));
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const n = await request(db.transaction(store).objectStore(store).count());
        if (n > 0) counts['idb:' + name + '/' + store] = n;
      }
    } finally {
      db.close();
    }
  }
  for (const name of await caches.keys()) {
    const n = (await (await caches.open(name)).keys()).length;
    if (n > 0) counts['cache:' + name] = n;
  }
  return counts;
}`;

/**
 * Counts what the page's origin keeps in IndexedDB and Cache Storage, for
 * tests that check nothing is left behind (or exactly what should be).
 * Works on every engine of {@link launchEngine}; the page must be on the
 * origin.
 *
 * @example
 * const before = await storageInventory(browser);
 * // … a job that fails …
 * expect(storageChange(before, await storageInventory(browser))).toEqual({'cache:events': 1});
 */
export function storageInventory(session: EngineSessionBase): Promise<StorageInventory> {
  return session.evaluate<StorageInventory>(INVENTORY_SOURCE);
}

/** What changed between two inventories: key → difference, zero differences left out. */
export function storageChange(before: StorageInventory, after: StorageInventory): StorageInventory {
  const change: StorageInventory = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) change[key] = d;
  }
  return change;
}
