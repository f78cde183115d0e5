import {SnapshotRegistration} from './SnapshotRegistration.js';
import {createError} from './models/createError.js';
import type {BackgroundFetchRecord} from '../types.js';

/**
 * A job that has already ended, known only by its last snapshot (for
 * example from a notification the user clicks later): its fields are final,
 * `abort()` resolves false and its records are gone.
 *
 * @private
 */
export class EndedRegistration extends SnapshotRegistration {
  abort(): Promise<boolean> {
    return Promise.resolve(false);
  }

  matchAll(): Promise<BackgroundFetchRecord[]> {
    return Promise.reject(createError('records-unavailable', {id: this.id}, 'InvalidStateError'));
  }
}
