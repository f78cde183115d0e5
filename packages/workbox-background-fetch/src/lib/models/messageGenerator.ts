import {messages} from './messages.js';
import type {MessageKey} from './messages.js';

type Details = Record<string, unknown>;

/**
 * An error's text in production, as Workbox's `messageGenerator` writes it
 * there: the code, and its details as JSON when there are any, e.g.
 * `duplicate-id :: {"id":"ep-5"}`. The long texts stay in development
 * builds; the code says which one applies (`messages.ts`).
 *
 * @private
 */
export function codeMessage(code: string, details: Details = {}): string {
  let json = '';
  try {
    json = JSON.stringify(details) ?? '';
  } catch {
    // A detail JSON cannot write (a BigInt, a cycle): the code alone.
  }
  return json && json !== '{}' ? `${code} :: ${json}` : code;
}

/**
 * The text of error `code`: in development the message that says what went
 * wrong and how to fix it; in production only `codeMessage()`, so
 * production bundles carry no message texts (the build replaces
 * `process.env.NODE_ENV` and drops the map).
 *
 * @example
 * messageGenerator('duplicate-id', {id: 'ep-5'});
 * // development: 'A background fetch with id "ep-5" is still active. …'
 * // production:  'duplicate-id :: {"id":"ep-5"}'
 *
 * @private
 */
export function messageGenerator(code: MessageKey, details: Details = {}): string {
  return process.env.NODE_ENV === 'production'
    ? codeMessage(code, details)
    : (messages[code] as (details: Details) => string)(details);
}
