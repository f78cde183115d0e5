import {createError} from './models/createError.js';

/**
 * The one duplicate-id check, as `BackgroundFetchManager.fetch()` requires:
 * throws a `TypeError` (code `duplicate-id`) when `active` says a job of
 * `id` is still active. Callers pass what they found: a registration from
 * `get(id)`, or `true` for a job still being created.
 *
 * @example
 * assertNewId(args.id, await queue.get(args.id));
 *
 * @private
 */
export function assertNewId(id: string, active: unknown): void {
  if (active) {
    throw createError('duplicate-id', {id}, 'TypeError');
  }
}
