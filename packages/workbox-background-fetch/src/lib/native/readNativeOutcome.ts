import {verifyRecordBodies} from './verifyRecordBodies.js';
import type {NativeRegistration} from './NativeRegistration.js';
import type {NativeOutcome} from '../chooseBackend.js';

/**
 * How a native job ended, read from its end event's registration: for a
 * success, whether its records are whole (`verifyRecordBodies`); for a
 * failure, the statuses of the responses that are not ok (0 where none
 * came: Chromium reports a connection reset as `bad-status` with status 0).
 *
 * @private
 */
export async function readNativeOutcome(
  registration: NativeRegistration,
  type: NativeOutcome['type'],
): Promise<NativeOutcome> {
  const outcome: NativeOutcome = {
    type,
    failureReason: registration.nativeFailureReason,
    badStatuses: [],
    methods: [],
  };
  if (type === 'abort') {
    return outcome;
  }
  const records = await registration.matchAll();
  outcome.methods = records.map(({request}) => request.method);
  if (type === 'success') {
    outcome.problem = await verifyRecordBodies(records, registration.nativeDownloaded);
    return outcome;
  }
  for (const record of records) {
    const status = await record.responseReady.then(
      (response) => response.status,
      () => 0,
    );
    if (status < 200 || status >= 300) {
      outcome.badStatuses.push(status);
    }
  }
  return outcome;
}
