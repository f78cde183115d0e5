/** Opens database `name` through a connection of its own (the fake-indexeddb in the worker globals). */
export function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Holds a write transaction on `storeName` open through `db` (another
 * connection than the library's): every transaction of the library on that
 * store, reads included, waits behind it until the returned function is
 * called, as behind a transaction that never ends.
 */
export function holdStore(db: IDBDatabase, storeName: string): () => void {
  const held = db.transaction(storeName, 'readwrite').objectStore(storeName);
  let holding = true;
  const spin = (): void => {
    if (holding) {
      held.get('nothing').onsuccess = spin;
    }
  };
  spin();
  return () => {
    holding = false;
  };
}
