import {blockedUrl} from './blockedUrl.js';
import {createError} from './models/createError.js';
import type {BackgroundFetchOptions} from '../types.js';

/** The checked and normalised arguments of a `fetch(id, requests, options)`. */
export interface NormalizedFetchArguments {
  id: string;
  requests: Request[];
  options: BackgroundFetchOptions;
}

/**
 * Checks `fetch(id, requests, options)` as the Background Fetch spec does,
 * before any backend sees it (Chromium's renderer crashes on an empty id).
 * Throws a `TypeError` naming the problem.
 *
 * @private
 */
export function normalizeFetchArguments(
  id: unknown,
  requests: unknown,
  options: BackgroundFetchOptions = {},
): NormalizedFetchArguments {
  if (typeof id !== 'string' || id === '') {
    throw createError('invalid-id', {id}, 'TypeError');
  }
  const list = Array.isArray(requests) ? requests : [requests];
  if (list.length === 0 || requests === undefined) {
    throw createError('empty-requests', {}, 'TypeError');
  }
  const normalized = list.map((entry) => {
    const request = entry instanceof Request ? entry : new Request(String(entry));
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw createError('unsupported-scheme', {url: request.url}, 'TypeError');
    }
    const blocked = blockedUrl(url, entry instanceof Request ? undefined : String(entry));
    if (blocked) {
      throw createError(blocked, {url: request.url}, 'TypeError');
    }
    if (request.mode === 'no-cors') {
      throw createError('no-cors-request', {url: request.url}, 'TypeError');
    }
    return request;
  });
  const {downloadTotal} = options;
  if (downloadTotal !== undefined && !(Number.isInteger(downloadTotal) && downloadTotal >= 0)) {
    throw createError('invalid-download-total', {downloadTotal}, 'TypeError');
  }
  return {id, requests: normalized, options};
}
