import {jobSnapshot, withinDownloadTotal} from './jobSnapshot.js';
import {isActiveState, nextJobState} from './jobStateMachine.js';
import {isComplete} from './planChunks.js';
import {decideRetry} from './retryPolicy.js';
import type {BackgroundFetchFailureReason} from '../../types.js';
import type {
  DownloadCommand,
  DownloadState,
  Env,
  JobFailure,
  RequestState,
} from './downloadState.js';
import type {JobEvent} from './jobStateMachine.js';
import type {StoredFile} from './StoredJob.js';
import type {RequestFailure, RetryDecision} from './retryPolicy.js';

/*
  The rules the core's transitions share (see `downloadCore.ts`): job
  transitions, failing a file or the job, retries, starting a file over.
  Pure: each writes to the state and appends commands to `ctx.out`.
*/

/** A file that changed on the server more often than this during its download fails (`fetch-error`). */
export const MAX_CHANGES = 3;

/** One event being applied: the state, the world, and the commands so far. @private */
export interface Ctx {
  state: DownloadState;
  env: Env;
  out: DownloadCommand[];
}

/**
 * A development log line. Call it inside a `process.env.NODE_ENV !==
 * 'production'` block: production builds then drop the call with its
 * message (a template string would otherwise be kept).
 *
 * @private
 */
export function log(ctx: Ctx, level: 'debug' | 'warn' | 'error', message: string): void {
  if (process.env.NODE_ENV !== 'production') {
    ctx.out.push({type: 'log', level, message});
  }
}

/** @private */
export function save(ctx: Ctx): void {
  ctx.out.push({type: 'save'});
}

/** True while the bytes of `request` are still wanted: the job is active and the file did not start over. @private */
export function isWanted(state: DownloadState, request: RequestState): boolean {
  return (
    isActiveState(state.record.state) &&
    state.files[request.file].stored.generation === request.generation
  );
}

/** The request in flight with this id. @private */
export function findRequest(state: DownloadState, id: number): RequestState | undefined {
  return state.requests.find((request) => request.id === id);
}

/** Tells the driver to cut `request` (once). @private */
export function cancel(ctx: Ctx, request: RequestState): void {
  if (!request.cancelled) {
    request.cancelled = true;
    ctx.out.push({type: 'cancel', request: request.id});
  }
}

/** @private */
export function cancelAll(ctx: Ctx, file?: number, keep?: RequestState): void {
  for (const request of ctx.state.requests) {
    if ((file === undefined || request.file === file) && request !== keep) {
      cancel(ctx, request);
    }
  }
}

/**
 * Applies job event `event` through `jobStateMachine`; false when it cannot
 * happen now. A job that stops being active sends its last progress first.
 *
 * @private
 */
export function transitionJob(ctx: Ctx, event: JobEvent): boolean {
  const {record} = ctx.state;
  const next = nextJobState(record.state, event);
  if (next === null) {
    return false;
  }
  if (process.env.NODE_ENV !== 'production') {
    log(ctx, 'debug', `Background fetch '${record.id}': ${record.state} → ${next}.`);
  }
  if (!isActiveState(next)) {
    // Pages learn the result from the queue, once it stored the records.
    ctx.out.push({type: 'finalProgress', snapshot: jobSnapshot(ctx.state)});
  }
  record.state = next;
  return true;
}

/** The first failure of a job is its failure reason. @private */
export function noteFailure(ctx: Ctx, reason: BackgroundFetchFailureReason): void {
  ctx.state.record.failureReason ||= reason;
}

/** Fails the whole job at once (download total, quota), when it is queued or running. @private */
export function failJob(ctx: Ctx, reason: JobFailure): void {
  const {record} = ctx.state;
  if (nextJobState(record.state, 'fail') === null) {
    return;
  }
  record.failureReason = reason;
  transitionJob(ctx, 'fail');
  cancelAll(ctx);
  save(ctx);
}

/** File `index` ends without a usable response. @private */
export function failFile(ctx: Ctx, index: number, reason: BackgroundFetchFailureReason): void {
  ctx.state.files[index].stored.status = 'failed';
  cancelAll(ctx, index);
  noteFailure(ctx, reason);
  save(ctx);
}

/** A pending file whose bytes are all stored is done. @private */
export function checkComplete(ctx: Ctx, index: number): void {
  const {stored} = ctx.state.files[index];
  if (stored.status === 'pending' && isComplete(stored)) {
    stored.status = 'done';
  }
}

/** False (and the job failed) once the job is bound to exceed a non-zero `downloadTotal`. @private */
export function checkDownloadTotal(ctx: Ctx): boolean {
  if (withinDownloadTotal(ctx.state)) {
    return true;
  }
  failJob(ctx, 'download-total-exceeded');
  return false;
}

/** Progress moved: publish it, unless it broke `downloadTotal`. @private */
export function noteProgress(ctx: Ctx): void {
  if (checkDownloadTotal(ctx)) {
    ctx.out.push({type: 'progress', immediate: false});
  }
}

/**
 * `decideRetry` applied to file `index`; returns the decision's action. A
 * network failure of a request sent (`sentAt`) before the file's last
 * counted failure is not counted again: the requests in flight when a link
 * or the chunk store fails all fail with it, and that is one attempt (its
 * retry is already planned).
 *
 * @private
 */
export function retryOrFail(
  ctx: Ctx,
  index: number,
  failure: RequestFailure,
  sentAt?: number,
): RetryDecision['action'] {
  const {state, env} = ctx;
  const file = state.files[index];
  const {stored} = file;
  if (failure.type === 'network' && sentAt !== undefined && sentAt < file.failedAt) {
    return stored.status === 'pending' ? 'retry' : 'give-up-network';
  }
  // A storage refusal is the browser's (usageMiscounted), not an attempt.
  const counted = failure.type !== 'storage';
  if (counted) {
    stored.attempts += 1;
    file.failedAt = env.now;
  } else {
    file.refusals += 1;
  }
  const decision = decideRetry(failure, {
    method: stored.request.method,
    attempts: counted ? stored.attempts : file.refusals,
    online: env.online,
    options: state.settings.retry,
    random: env.random,
  });
  if (process.env.NODE_ENV !== 'production') {
    log(
      ctx,
      'debug',
      `${stored.request.url} failed (${failure.type === 'status' ? failure.status : failure.type}, ` +
        `attempt ${stored.attempts}): ${decision.action}.`,
    );
  }
  switch (decision.action) {
    case 'retry':
      file.retryAt = env.now + decision.delay;
      break;
    case 'wait-online':
      if (counted) {
        stored.attempts -= 1;
      }
      state.offline = true;
      break;
    case 'give-up-network':
      failFile(ctx, index, 'fetch-error');
      break;
    case 'give-up-status':
      break;
  }
  save(ctx);
  return decision.action;
}

/** Throws away what is stored of file `index`: its next request carries no Range. @private */
export function startFileOver(ctx: Ctx, index: number, keep?: RequestState): void {
  const file = ctx.state.files[index];
  const {stored} = file;
  ctx.out.push({type: 'deleteGeneration', file: index, generation: stored.generation});
  stored.generation += 1;
  stored.head = null;
  stored.total = null;
  stored.ranges = false;
  stored.etag = null;
  stored.lastModified = null;
  stored.chunks = [];
  file.receiving = 0;
  cancelAll(ctx, index, keep);
  noteProgress(ctx);
  save(ctx);
}

/**
 * True once `stored` changed on the server during the download: it is then
 * read in one request to its end, as a plain fetch reads it (a cut still
 * resumes from the stored bytes). Servers behind a load balancer, each
 * with its own `ETag`, "change" on every Range answer: split into
 * requests, such a file would start over until it failed.
 *
 * @private
 */
export function oneStream(stored: StoredFile): boolean {
  return stored.changes > 0;
}

/** Counts a change of file `index` on the server; false (and the file failed) past `MAX_CHANGES`. @private */
export function countChange(ctx: Ctx, index: number, reason: string): boolean {
  const {stored} = ctx.state.files[index];
  stored.changes += 1;
  if (process.env.NODE_ENV !== 'production') {
    log(ctx, 'warn', `${stored.request.url} changed during the download (${reason}).`);
  }
  if (stored.changes > MAX_CHANGES) {
    failFile(ctx, index, 'fetch-error');
    return false;
  }
  return true;
}

/** File `index` changed on the server: start it over, or fail it when it keeps changing. @private */
export function fileChanged(ctx: Ctx, index: number, reason: string): void {
  if (countChange(ctx, index, reason)) {
    startFileOver(ctx, index);
  }
}
