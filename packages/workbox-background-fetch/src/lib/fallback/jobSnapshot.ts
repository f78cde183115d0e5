import {isActiveState} from './jobStateMachine.js';
import {storedBytes} from './planChunks.js';
import type {RegistrationSnapshot} from '../../protocol.js';
import type {DownloadState} from './downloadState.js';

/*
  What a job shows of itself, computed from the core's state: bytes
  downloaded, the size a notification shows a percentage of, the
  registration snapshot pages and the worker see.
*/

/** Bytes stored plus bytes read from streams and not stored yet. @private */
export function downloadedBytes(state: DownloadState): number {
  return state.files.reduce(
    (sum, file) => sum + storedBytes(file.stored.chunks) + file.receiving,
    0,
  );
}

/**
 * False once the job is bound to exceed its non-zero `downloadTotal`: the
 * known lengths add up to more, or more was downloaded.
 *
 * @private
 */
export function withinDownloadTotal(state: DownloadState): boolean {
  const limit = state.record.options.downloadTotal ?? 0;
  if (limit === 0) {
    return true;
  }
  const expected = state.files.reduce(
    (sum, {stored}) => sum + (stored.total ?? storedBytes(stored.chunks)),
    0,
  );
  return expected <= limit && downloadedBytes(state) <= limit;
}

/** The size the notification shows a percentage of, `null` while unknown. @private */
export function expectedTotal(state: DownloadState): number | null {
  const limit = state.record.options.downloadTotal ?? 0;
  if (limit > 0) {
    return limit;
  }
  const totals = state.files.map((file) => file.stored.total);
  return totals.every((total): total is number => total !== null)
    ? totals.reduce((sum, total) => sum + total, 0)
    : null;
}

/** The registration snapshot of the job now. @private */
export function jobSnapshot(state: DownloadState): RegistrationSnapshot {
  const {record} = state;
  const active = isActiveState(record.state);
  const bodyLength = (index: number): number =>
    state.files[index].stored.request.body?.byteLength ?? 0;
  const uploadTotal = state.files.reduce((sum, _, index) => sum + bodyLength(index), 0);
  const uploaded = state.files.reduce(
    (sum, {stored}, index) => sum + (stored.sent || stored.head !== null ? bodyLength(index) : 0),
    0,
  );
  return {
    id: record.id,
    queue: record.queue,
    backend: 'fallback',
    uploadTotal,
    uploaded,
    downloadTotal: record.options.downloadTotal ?? 0,
    downloaded: downloadedBytes(state),
    result: record.state === 'succeeded' ? 'success' : active ? '' : 'failure',
    failureReason: record.state === 'aborted' ? 'aborted' : active ? '' : record.failureReason,
    recordsAvailable: state.recordsAvailable,
    paused: record.state === 'paused',
  };
}
