/*
  The download engine of a fallback job, as a pure function:
  step(state, event, env) → commands. It changes `state` (the persisted
  record is part of it) and returns what the driver, `FallbackJob.ts`, must
  do: fetch, read, store, save, publish, settle. It does no I/O, reads no
  clock and no global: a Node unit test drives it in milliseconds.

  The job (jobStateMachine.ts):

    queued  ─start→ running ─(every file done/failed/bad-status)→ succeeded | failed
    (a success first checks every stored chunk is there, checkChunks: the
     app may have deleted them; lost ones make their file pending again)
    running ─pause→ paused ─resume→ running         any active ─abort→ aborted
    queued | running ─(downloadTotal, quota, save quota)→ failed

  After the result (settlement phase, hidden before):

    none ─(inactive, no request in flight)→ settling ─settlementHandled→ purging ─purged→ gone
         (a record already `settled` when loaded goes straight to purging;
          so does a job `discard`ed because the worker was unregistered)
    settling: onSettled runs, matchAll() works. purging: recordsAvailable false.

  A file (StoredFile.status), while the job runs:

    pending ─(chunks cover total)→ done
    pending ─(final 4xx/5xx of a full request)→ bad-status   (its body is the record)
    pending ─(network give-up, status 0, 5xx/408/429 of a resume give-up, changed > 3×)→ failed

  A request (RequestState), from `fetch` to `requestEnded`:

    first chunk (Range: bytes=0-…, no validator; firstRangeResponse.ts)
                         ─206 with a total→ a full 200 head, length → checkRoom → read whole
                         ─200 | 4xx | 5xx→ as a response without Range (below)
                         ─416, unusable Content-Range→ asked again without Range
    response, no Range   ─ok→ head, length → checkRoom → read (whole ≤ chunk, else stream)
                         ─not ok→ retry (5xx, 408, 429) | storeErrorBody → bad-status
    response to a Range  ─206 that fits→ read
                         ─206 that does not fit, 416, other 4xx→ file starts over (generation + 1)
                         ─200, same file→ start over from it, no more Range for the file
                         ─200, new version→ counts a change, start over from it
                         (a file that changed is then read in one request: oneStream)
                         ─5xx, 408, 429→ retry with backoff (Retry-After up to maxDelay), or the file fails
                         (a 503 or 429 while others are open lowers inFlightCap to their number)
    network error | stall ─→ retry with backoff | wait online (offline) | fail (max attempts)
    any byte stored      ─→ attempts = 0; downloadTotal checked
    a whole body in memory (bodyReceived) ─→ the request leaves the link (the next starts
                         while it is written); the link rate (requests ≥ 100 ms) → record.rate
*/
import {cancelAll, failJob, findRequest, log, save, transitionJob} from './coreRules.js';
import {
  onBodyRead,
  onBytes,
  onErrorBodyStored,
  onPartStored,
  onRequestFailed,
  onResponse,
  onRoomChecked,
  onStalled,
} from './responseRules.js';
import {onBodyReceived} from './linkRate.js';
import {plan} from './planNext.js';
import type {Ctx} from './coreRules.js';
import type {DownloadEvent, DownloadState, Env, Step} from './downloadState.js';

export {isWanted, findRequest} from './coreRules.js';

/**
 * Applies `event` to `state` and returns what the driver must do, in order.
 *
 * @example
 * const state = createDownloadState(record, settings, false);
 * const {commands} = step(state, {type: 'start'}, {now: 0, online: true, random: Math.random});
 * // [{type: 'save'}, {type: 'fetch', request: 1, …}, {type: 'watch', …}]
 *
 * @private
 */
export function step(state: DownloadState, event: DownloadEvent, env: Env): Step {
  const ctx: Ctx = {state, env, out: []};
  const accepted = apply(ctx, event);
  if (event.type !== 'bytes') {
    plan(ctx);
  }
  return {accepted, commands: ctx.out};
}

function apply(ctx: Ctx, event: DownloadEvent): boolean {
  const {state} = ctx;
  const {record} = state;
  switch (event.type) {
    case 'start':
      if (transitionJob(ctx, 'start')) {
        save(ctx);
      }
      return true;
    case 'pause':
      if (!transitionJob(ctx, 'pause')) {
        return false;
      }
      cancelAll(ctx);
      save(ctx);
      ctx.out.push({type: 'progress', immediate: true});
      return true;
    case 'resume':
      if (!transitionJob(ctx, 'resume')) {
        return false;
      }
      for (const file of state.files) {
        file.retryAt = 0;
      }
      save(ctx);
      ctx.out.push({type: 'progress', immediate: true});
      return true;
    case 'abort':
      if (!transitionJob(ctx, 'abort')) {
        return false;
      }
      record.failureReason = 'aborted';
      cancelAll(ctx);
      save(ctx);
      return true;
    case 'discard':
      // Unregistering a worker ends its jobs without events: the job ends
      // as if it had settled, so it is purged (chunks, then its record)
      // once no request is in flight, and no write of it can follow.
      if (!transitionJob(ctx, 'abort')) {
        return false;
      }
      record.failureReason = 'aborted';
      record.settled = true;
      cancelAll(ctx);
      return true;
    case 'tick':
      state.wakeAt = null;
      return true;
    case 'online':
      state.offline = false;
      state.waitingOnline = false;
      return true;
    case 'chunksChecked':
      applyChunkCheck(ctx, event.present);
      return true;
    case 'saveFailed':
      if (event.quota === 'full') {
        failJob(ctx, 'quota-exceeded');
      } else if (process.env.NODE_ENV !== 'production') {
        log(
          ctx,
          event.quota ? 'warn' : 'error',
          event.quota
            ? `Could not store the state of '${record.id}': the browser refuses every write of ` +
                'this origin, as its count of the storage used is impossible (Firefox, after it ' +
                'was killed). The job is kept as stored before, and goes on from there after the ' +
                'browser restarts.'
            : `Could not store the state of '${record.id}'.`,
        );
      }
      return true;
    case 'settlementHandled':
      state.recordsAvailable = false;
      record.settled = true;
      state.settlement = 'purging';
      ctx.out.push({type: 'recordsUnavailable'}, {type: 'save'}, {type: 'purge'});
      return true;
    case 'purged':
      state.settlement = 'gone';
      ctx.out.push({type: 'forget'});
      return true;
    default:
      return applyToRequest(ctx, event);
  }
}

function applyToRequest(ctx: Ctx, event: Extract<DownloadEvent, {request: number}>): boolean {
  const {state} = ctx;
  const request = findRequest(state, event.request);
  if (!request) {
    return false;
  }
  switch (event.type) {
    case 'response':
      onResponse(ctx, request, event.response);
      break;
    case 'requestFailed':
      onRequestFailed(ctx, request, event.quota);
      break;
    case 'stalled':
      onStalled(ctx, request);
      break;
    case 'roomChecked':
      onRoomChecked(ctx, request, event.ok);
      break;
    case 'bytes':
      onBytes(ctx, request, event.count);
      break;
    case 'partStored':
      onPartStored(ctx, request, event);
      break;
    case 'bodyReceived':
      onBodyReceived(ctx, request, event.received);
      break;
    case 'bodyRead':
      onBodyRead(ctx, request, event.received);
      break;
    case 'errorBodyStored':
      onErrorBodyStored(ctx, request, event.size);
      break;
    case 'requestEnded':
      state.requests = state.requests.filter((other) => other !== request);
      break;
  }
  return true;
}

/** After a worker start, and before a success: the chunks the browser (or the app) lost are fetched again. */
function applyChunkCheck(ctx: Ctx, present: boolean[][]): void {
  const {state} = ctx;
  state.verify = 'no';
  let lost = false;
  state.files.forEach(({stored}, index) => {
    if (stored.status === 'failed') {
      return;
    }
    const kept = stored.chunks.filter((_, chunk) => present[index]?.[chunk] !== false);
    if (kept.length < stored.chunks.length) {
      if (process.env.NODE_ENV !== 'production') {
        log(
          ctx,
          'warn',
          `Background fetch '${state.record.id}': ${stored.chunks.length - kept.length} ` +
            `stored chunks of ${stored.request.url} are gone, dropped by the browser or ` +
            `deleted by the app; downloading them again. A clean-up of caches or ` +
            `databases (in 'activate') should keep those named 'workbox-background-fetch…'.`,
        );
      }
      stored.chunks = kept;
      lost = true;
      if (stored.status === 'done') {
        stored.status = 'pending';
      }
    }
  });
  state.checkedEnd = !lost;
  save(ctx);
}
