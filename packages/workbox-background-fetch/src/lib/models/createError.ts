import {messageGenerator} from './messageGenerator.js';
import type {MessageKey} from './messages.js';

/** The spec's error types this package raises. @private */
export type ErrorKind = 'TypeError' | 'Error' | DOMExceptionName;
type DOMExceptionName =
  | 'AbortError'
  | 'InvalidStateError'
  | 'NotAllowedError'
  | 'QuotaExceededError'
  | 'TimeoutError';

/**
 * Builds the error for `code`. Spec-mandated kinds (TypeError,
 * DOMException names) are kept so callers can test `err.name`; the code is
 * kept on `err.code` for programs. The message is `messageGenerator()`'s:
 * the full text in development, the code and details in production.
 *
 * @private
 */
export function createError(
  code: MessageKey,
  details: Record<string, unknown> = {},
  kind: ErrorKind = 'Error',
): Error & {code: MessageKey} {
  return buildError(code, messageGenerator(code, details), kind);
}

/**
 * Builds an error of `kind` with `message`, carrying `code`. For errors
 * whose texts live elsewhere (development-only checks keep theirs next to
 * the check, so production bundles drop them).
 *
 * @private
 */
export function buildError<Code extends string>(
  code: Code,
  message: string,
  kind: ErrorKind = 'Error',
): Error & {code: Code} {
  let error: Error;
  if (kind === 'TypeError') {
    error = new TypeError(message);
  } else if (kind === 'Error') {
    error = new Error(message);
    error.name = 'WorkboxBackgroundFetchError';
  } else {
    error = domException(message, kind);
  }
  // An own property: DOMException.prototype has a read-only legacy `code`.
  Object.defineProperty(error, 'code', {value: code, enumerable: true});
  return error as Error & {code: Code};
}

/**
 * A DOMException named `name`; a quota error is an instance of the global
 * `QuotaExceededError` where it exists (the current WebIDL, and the
 * polyfill defines it), so `error.constructor` is what the spec says.
 *
 * @private
 */
export function domException(message: string, name: string): DOMException {
  const Quota = (globalThis as {QuotaExceededError?: new (message: string) => DOMException})
    .QuotaExceededError;
  return name === 'QuotaExceededError' && typeof Quota === 'function'
    ? new Quota(message)
    : new DOMException(message, name);
}
