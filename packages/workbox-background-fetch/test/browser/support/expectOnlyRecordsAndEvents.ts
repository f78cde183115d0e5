import {storageInventory} from '@workbox-background-fetch/test-utils';
import type {EngineSession} from '@workbox-background-fetch/test-utils';

/**
 * For the fallback suites (the 'fallback' worker, page helpers `fb`): once a
 * job's record and chunks are gone (the last step of its end, after its
 * event), the origin holds the records cache `recordsCache`, the test's
 * event log and the download library's entries (the suites' jobs succeed),
 * nothing else.
 */
export async function expectOnlyRecordsAndEvents(
  browser: EngineSession,
  recordsCache: string,
): Promise<void> {
  await browser
    .waitFor(`async () => Object.values(await fb.leftovers()).every((n) => n === 0)`, {
      timeout: 10_000,
    })
    .catch(() => undefined);
  expect(await browser.evaluate('() => fb.leftovers()')).toEqual({
    jobRecords: 0,
    idbChunks: 0,
    cacheChunks: 0,
  });
  expect(Object.keys(await storageInventory(browser)).sort()).toEqual(
    [
      'cache:test-events',
      `cache:${recordsCache}`,
      'idb:workbox-background-fetch-library/entries',
    ].sort(),
  );
}
