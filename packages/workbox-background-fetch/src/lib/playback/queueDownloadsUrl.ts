import {isDownloading} from './readStoredRange.js';
import type {BackgroundFetchQueue} from '../../BackgroundFetchQueue.js';

/**
 * Whether an active job of `queue` downloads `url` (a GET of it): a
 * fallback job (from its stored state) or a native one (from its records,
 * readable while it runs). A request of such a URL that fails offline is
 * not handed to the queue again: that would download the file twice.
 *
 * @private
 */
export async function queueDownloadsUrl(
  queue: BackgroundFetchQueue,
  url: string,
): Promise<boolean> {
  if (isDownloading(await queue._activeFallbackJobs(), url)) {
    return true;
  }
  for (const id of await queue.getIds()) {
    const registration = await queue.get(id);
    if (registration?.backend !== 'native') {
      continue;
    }
    // A job that ends meanwhile rejects match(): it downloads nothing now.
    const record = await registration.match(url).catch(() => undefined);
    if (record) {
      return true;
    }
  }
  return false;
}
