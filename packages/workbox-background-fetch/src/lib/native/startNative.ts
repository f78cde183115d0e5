import {startsWithFallback} from '../chooseBackend.js';
import {logger} from '../logger.js';
import {createError} from '../models/createError.js';
import {startNativeFromWindow} from './startNativeFromWindow.js';
import type {
  BackgroundFetchManager,
  BackgroundFetchOptions,
  BackgroundFetchRegistration,
} from '../../types.js';

/**
 * Starts native job `jobId` on the browser's `manager`: from the worker
 * where the browser allows it, else through an open page (Chrome refuses
 * `backgroundFetch.fetch()` inside a service worker). Rejects with
 * `NotAllowedError` when no page can start it either (the caller falls
 * back), and with `InvalidStateError` when the job ended before the page
 * answered (its end event reports it).
 *
 * @param id The caller's id, as errors and logs name the job.
 * @private
 */
export async function startNative(
  manager: BackgroundFetchManager,
  jobId: string,
  requests: Request[],
  options: BackgroundFetchOptions,
  id = jobId,
): Promise<BackgroundFetchRegistration> {
  try {
    return await manager.fetch(jobId, requests, options);
  } catch (error) {
    if (!startsWithFallback(error)) {
      throw error;
    }
    // Chrome: "not allowed in service worker environments". Ask a page.
    if (process.env.NODE_ENV !== 'production') {
      logger.debug(
        `Native background fetch is not allowed in this worker; asking an ` +
          `open page to start '${id}'.`,
      );
    }
  }
  await startNativeFromWindow(jobId, requests, options);
  const registration = await manager.get(jobId);
  if (!registration) {
    throw createError('native-ended-at-once', {id}, 'InvalidStateError');
  }
  return registration;
}
