import {storageInventory} from '@workbox-background-fetch/test-utils';
import type {EngineSession, StorageInventory} from '@workbox-background-fetch/test-utils';

/**
 * The fallback's own job records and chunks in `inventory`: every
 * `workbox-background-fetch` store but those in `kept` (the records
 * cache, the download library).
 */
function jobData(inventory: StorageInventory, kept: string[]): string[] {
  return Object.keys(inventory).filter(
    (key) => key.includes('workbox-background-fetch') && !kept.includes(key),
  );
}

/**
 * The origin's storage (`storageInventory()`) once the fallback's own
 * stores hold nothing (job records and chunks are deleted last, after the
 * job's event); fails naming what is left after 10 s.
 */
export async function untilJobDataGone(
  browser: EngineSession,
  kept: string[],
): Promise<StorageInventory> {
  for (const deadline = Date.now() + 10_000; ; ) {
    const now = await storageInventory(browser);
    if (jobData(now, kept).length === 0 || Date.now() > deadline) {
      expect(jobData(now, kept)).toEqual([]);
      return now;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
