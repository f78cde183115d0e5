import {chunkLength} from './planChunks.js';
import type {Ctx} from './coreRules.js';
import type {DownloadState, RequestState} from './downloadState.js';
import type {FallbackSettings} from './FallbackSettings.js';

/*
  How long the core's requests are: the link's rate, measured on requests
  long enough to show it and kept in the job's record (it survives a worker
  restart), sizes each Range request to about 0.5 s of transfer, within
  the share of `chunkSize` each request in flight may lose.
*/

/** Requests of fewer bytes say little about throughput. */
const MEASURABLE_BYTES = 64 * 1024;

/**
 * Requests shorter than this say little about throughput either: they end
 * before the link's sustained rate shows (socket buffers, connection setup).
 */
export const MEASURABLE_MS = 100;

/**
 * The largest request: the requests in flight share `chunkSize`, so a
 * killed worker never loses more than `chunkSize` bytes.
 *
 * @private
 */
export function requestCap(settings: FallbackSettings): number {
  return Math.max(1, Math.floor(settings.chunkSize / settings.maxInFlight));
}

/**
 * How many bytes the next request asks for: ~0.5 s at the measured rate, or
 * the probe length while nothing was measured. @private
 */
export function nextChunkLength(state: DownloadState): number {
  const cap = requestCap(state.settings);
  return state.rate === null
    ? Math.max(1, Math.min(cap, state.probeLength))
    : chunkLength(state.rate, cap);
}

/**
 * A body of `received` bytes arrived for `request`: the rate of the link,
 * when the request lasted long enough to show it (kept in the record, so it
 * survives a worker restart); else, before any measure, the next request
 * is twice as long.
 *
 * @private
 */
export function measure(ctx: Ctx, request: RequestState, received: number): void {
  const {state, env} = ctx;
  const ms = env.now - request.startedAt;
  if (received >= MEASURABLE_BYTES && ms >= MEASURABLE_MS) {
    const rate = received / (ms / 1000);
    state.rate = state.rate === null ? rate : (state.rate + rate) / 2;
    state.record.rate = Math.round(state.rate);
  } else if (state.rate === null && received >= MEASURABLE_BYTES) {
    state.probeLength = Math.max(state.probeLength, 2 * received);
  }
}

/**
 * A `whole` body is in memory and about to be stored: the request no longer
 * uses the link (the next one may start), and its rate is measured without
 * the time of the write. @private
 */
export function onBodyReceived(ctx: Ctx, request: RequestState, received: number): void {
  if (request.received) {
    return;
  }
  request.received = true;
  measure(ctx, request, received);
}
