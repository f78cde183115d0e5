import {logger} from '../logger.js';
import {unroutedRecordWarning} from './unroutedRecordWarning.js';
import type {UnroutedRecord} from './unroutedRecordWarning.js';

/** Warnings already given in this worker's life, by their text without the URL. */
const given = new Set<string>();

/**
 * Development only: warns (workbox-core logger) that a finished record
 * matched no route of the router although routes exist, or that the queue
 * and the app's `registerRoute()` use two copies of workbox-routing. Once
 * per kind of warning while the worker lives, so a job of many files warns
 * once.
 *
 * @private
 */
export function warnUnroutedRecord(record: UnroutedRecord): void {
  const message = unroutedRecordWarning(record);
  if (!message) {
    return;
  }
  const key = message.split(record.url).join('');
  if (!given.has(key)) {
    given.add(key);
    logger.warn(message);
  }
}
