import {logger} from '../logger.js';
import {createError} from '../models/createError.js';
import {STORAGE_WAIT_MS} from './jobStore.js';
import {within} from './wait.js';

/**
 * `read`, a read of the chunk store, or a `TimeoutError`
 * (`chunk-read-timeout`) when the store did not answer within
 * `STORAGE_WAIT_MS`, as its writes are bounded (`storePart`): a store kept
 * waiting for good (another connection's transaction that never ends,
 * WebKit behind a worker terminated mid-write) must not hold a job, a
 * record or a media request for ever. A resuming job then counts the
 * chunk as missing and fetches it again; a record that needs it fails,
 * and its job with it (`fetch-error`); playback goes to the network.
 * Development builds log the timeout as a warning where it happens.
 *
 * @private
 */
export function boundedChunkRead<T>(read: Promise<T>): Promise<T> {
  return withinOrWarn(read, STORAGE_WAIT_MS, 'chunk-read-timeout', {});
}

/**
 * `remove`, a deletion of chunks, or a `TimeoutError`
 * (`chunk-delete-timeout`) after `STORAGE_WAIT_MS`: a job's purge, its
 * `discard()` and the release of its bytes before a `quota-exceeded` fail
 * event wait for it, and must not wait for ever. The chunks left are
 * deleted when a worker of the scope starts again (the settled job is
 * purged again; chunks no job lists are swept).
 *
 * @private
 */
export function boundedChunkDelete(remove: Promise<void>): Promise<void> {
  return withinOrWarn(remove, STORAGE_WAIT_MS, 'chunk-delete-timeout', {});
}

/**
 * `work`, or a `TimeoutError` with `code` (its details plus `seconds`) once
 * `ms` passed first, logged as a warning in development builds: the bound
 * of the chunk store's reads (`boundedChunkRead`), deletions
 * (`boundedChunkDelete`) and writes (`storePart`).
 *
 * @private
 */
export function withinOrWarn<T>(
  work: Promise<T>,
  ms: number,
  code: 'chunk-read-timeout' | 'chunk-write-timeout' | 'chunk-delete-timeout',
  details: Record<string, unknown>,
): Promise<T> {
  return within(work, ms, () => {
    const error = createError(code, {...details, seconds: ms / 1000}, 'TimeoutError');
    if (process.env.NODE_ENV !== 'production') {
      logger.warn(error.message);
    }
    throw error;
  });
}
