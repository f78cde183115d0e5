import {createError} from './models/createError.js';
import {validateOptions} from './validateOptions.js';
import type {BackgroundFetchQueueOptions} from '../BackgroundFetchQueue.js';

/**
 * Development-only checks of `new BackgroundFetchQueue(name, options)`.
 *
 * @private
 */
export function validateQueueOptions(name: unknown, options: BackgroundFetchQueueOptions): void {
  if (typeof name !== 'string' || name === '') {
    throw createError('invalid-queue-name', {name}, 'TypeError');
  }
  validateOptions('BackgroundFetchQueue', options, {
    cacheName: 'string',
    router: 'object',
    forceFallback: 'boolean',
    nativeFailover: 'boolean',
    fallback: 'object',
    library: 'boolean',
    onSuccess: 'function',
    onFail: 'function',
    onAbort: 'function',
    onClick: 'function',
  });
}
