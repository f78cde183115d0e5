import {startsWithFallback} from './chooseBackend.js';
import type {BackgroundFetchBackend} from './BackgroundFetchBackend.js';
import type {SnapshotRegistration} from './SnapshotRegistration.js';
import type {BackgroundFetchOptions} from '../types.js';

/*
  Carries out chooseBackend.ts's start decision over a queue's backends.
  Apart from chooseBackend.ts because it names the worker-side backend seam:
  chooseBackend.ts is shared with the page package (through `./internal`),
  whose types must compile with the DOM lib alone.
*/

/**
 * Starts a job on the first of `backends` (in order: native first where the
 * queue has it) that takes it. A native backend refused as
 * `startsWithFallback()` says passes the job on to the next backend (after
 * `onRefused`); any other error is the caller's.
 *
 * @example
 * await startOnBackends([native, fallback], 'ep-5', requests, {});
 * // native's registration, or fallback's when native was not allowed
 *
 * @private
 */
export async function startOnBackends(
  backends: readonly [BackgroundFetchBackend, ...BackgroundFetchBackend[]],
  id: string,
  requests: Request[],
  options: BackgroundFetchOptions,
  onRefused?: (error: Error) => void,
): Promise<SnapshotRegistration> {
  let refusal: unknown;
  for (const backend of backends) {
    try {
      return await backend.fetch(id, requests, options);
    } catch (error) {
      if (backend.kind !== 'native' || !startsWithFallback(error)) {
        throw error;
      }
      onRefused?.(error as Error);
      refusal = error;
    }
  }
  // Native backends only, each refused: the refusal is the caller's.
  throw refusal;
}
