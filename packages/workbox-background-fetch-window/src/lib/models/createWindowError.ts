import {buildError} from 'workbox-background-fetch/protocol';
import {messages} from './messages.js';
import type {WindowMessageKey} from './messages.js';

/**
 * The error for `code` (see `messages.ts`): a `WorkboxBackgroundFetchError`
 * (or `TypeError`) whose `code` says what went wrong, for programs.
 *
 * @private
 */
export function createWindowError(
  code: WindowMessageKey,
  details: Record<string, unknown> = {},
  kind: 'Error' | 'TypeError' = 'Error',
): Error & {code: WindowMessageKey} {
  const message = (messages[code] as (d: Record<string, unknown>) => string)(details);
  return buildError(code, message, kind);
}
