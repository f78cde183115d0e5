import {broadcast} from './broadcast.js';
import type {BackgroundFetchBackend} from './BackgroundFetchBackend.js';
import type {SnapshotRegistration} from './SnapshotRegistration.js';
import type {BackgroundFetchOptions} from '../types.js';

/**
 * Continues a native job that ended with a network failure with the
 * chunked fallback (see `decideNativeEnd`): a fallback job of the same id
 * and requests, whose first snapshot goes to every page at once (their
 * registration of that id now says `backend: 'fallback'` and follows it),
 * and the native end event kept alive while it downloads.
 *
 * @private
 */
export async function failOverToFallback(
  fallback: BackgroundFetchBackend,
  id: string,
  requests: Request[],
  options: BackgroundFetchOptions,
  event: ExtendableEvent,
): Promise<SnapshotRegistration> {
  const registration = await fallback.fetch(id, requests, options);
  fallback.keepAlive?.(event);
  broadcast({type: 'WBF_PROGRESS', snapshot: registration.snapshot()});
  return registration;
}
