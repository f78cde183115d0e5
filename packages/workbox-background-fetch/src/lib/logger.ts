/*
  The one logger of this package: workbox-core's development logger (the
  "workbox" badge in the console, silenced by `self.__WB_DISABLE_DEV_LOGS`),
  so this package's logs read like the rest of Workbox's.

  Development only, as in Workbox: it is `null` in production builds. Call it
  only inside `if (process.env.NODE_ENV !== 'production') { … }`, so that a
  production bundle drops the call and its text (the production bundle test
  checks that no `console` call is left).
*/
import {logger as workboxLogger} from 'workbox-core/_private/logger.js';

/**
 * workbox-core's logger, narrowed to the methods this package uses.
 * Development only: see the note above.
 *
 * @private
 */
export const logger: Pick<Console, 'debug' | 'log' | 'warn' | 'error'> = workboxLogger;
