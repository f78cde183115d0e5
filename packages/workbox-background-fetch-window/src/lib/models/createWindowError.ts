import {buildError, codeMessage} from 'workbox-background-fetch/internal';
import type {ErrorKind} from 'workbox-background-fetch/internal';
import {messages} from './messages.js';
import type {WindowMessageKey} from './messages.js';

/**
 * The error for `code` (see `messages.ts`): a `WorkboxBackgroundFetchError`
 * (or the `TypeError` or `DOMException` name the spec requires) whose
 * `code` says what went wrong, for programs. Its message is the full text
 * in development and, as Workbox does, only the code and details in
 * production (`codeMessage()`), so production bundles drop the texts.
 *
 * @private
 */
export function createWindowError(
  code: WindowMessageKey,
  details: Record<string, unknown> = {},
  kind: ErrorKind = 'Error',
): Error & {code: WindowMessageKey} {
  const message =
    process.env.NODE_ENV === 'production'
      ? codeMessage(code, details)
      : (messages[code] as (d: Record<string, unknown>) => string)(details);
  return buildError(code, message, kind);
}
