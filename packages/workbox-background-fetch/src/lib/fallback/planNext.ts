import {checkComplete, failFile, oneStream, save, transitionJob} from './coreRules.js';
import {isActiveState} from './jobStateMachine.js';
import {NO_VALIDATORS} from './firstRangeResponse.js';
import {nextChunkLength} from './linkRate.js';
import {nextRange} from './planChunks.js';
import {repeatable} from './retryPolicy.js';
import type {Ctx} from './coreRules.js';

/*
  What the core does after every event (`step` in downloadCore.ts): start
  the settlement of a job that ended, or the requests a running job can
  have open, each for the next range of a pending file.
*/

/** What follows any event: settle an ended job, or start the requests a running one can. @private */
export function plan(ctx: Ctx): void {
  const {state} = ctx;
  const {record} = state;
  if (!isActiveState(record.state)) {
    if (state.settlement === 'none' && state.requests.length === 0) {
      startSettlement(ctx);
    }
    return;
  }
  if (record.state !== 'running') {
    return;
  }
  if (state.verify === 'pending') {
    state.verify = 'checking';
    state.files.forEach(({stored}, index) => {
      if (stored.status === 'pending' && stored.sent && !repeatable(stored.request.method)) {
        failFile(ctx, index, 'fetch-error');
      }
    });
    ctx.out.push({type: 'checkChunks'});
    return;
  }
  if (state.verify === 'checking') {
    return;
  }
  if (state.offline) {
    if (!state.waitingOnline) {
      state.waitingOnline = true;
      ctx.out.push({type: 'waitOnline'});
    }
    return;
  }
  for (let index = 0; index < state.files.length; index++) {
    checkComplete(ctx, index);
  }
  startRequests(ctx);
  if (
    state.requests.length === 0 &&
    state.files.every((file) => file.stored.status !== 'pending')
  ) {
    if (!record.failureReason && !state.checkedEnd) {
      // The app may have deleted the chunks (an activate clean-up of every
      // cache): a job succeeds once a check found them all; lost ones are
      // fetched again (`applyChunkCheck`).
      state.checkedEnd = true;
      state.verify = 'checking';
      ctx.out.push({type: 'checkChunks', end: true});
      return;
    }
    transitionJob(ctx, record.failureReason ? 'fail' : 'succeed');
    startSettlement(ctx);
    return;
  }
  // Files waiting for their backoff to end.
  const waiting = state.files.filter(
    (file) => file.stored.status === 'pending' && file.retryAt > ctx.env.now,
  );
  if (waiting.length > 0 && state.requests.length < state.inFlightCap) {
    const at = Math.min(...waiting.map((file) => file.retryAt));
    if (state.wakeAt !== at) {
      state.wakeAt = at;
      ctx.out.push({type: 'wakeAt', at});
    }
  }
}

/**
 * Starts requests until `inFlightCap` are receiving or nothing is left to
 * ask for. A request whose body is in memory and being stored does not
 * count (the link would idle during the write), but at most `maxInFlight`
 * such bodies wait for their write.
 */
function startRequests(ctx: Ctx): void {
  const {state, env} = ctx;
  const maxInFlight = state.inFlightCap;
  const length = nextChunkLength(state);
  const receiving = () => state.requests.filter((request) => !request.received).length;
  while (receiving() < maxInFlight && state.requests.length < 2 * maxInFlight) {
    let next: {file: number; range: NonNullable<ReturnType<typeof nextRange>>} | null = null;
    for (const [index, file] of state.files.entries()) {
      const {stored} = file;
      if (stored.status !== 'pending' || file.retryAt > env.now) {
        continue;
      }
      const range = nextRange(
        {
          started: stored.head !== null,
          total: stored.total,
          ranges: stored.ranges && !oneStream(stored),
          chunks: stored.chunks,
          inFlight: state.requests.filter((r) => r.file === index).map((r) => r.range),
        },
        length,
      );
      if (range) {
        next = {file: index, range};
        break;
      }
    }
    if (!next) {
      return;
    }
    const file = state.files[next.file];
    const {stored} = file;
    // The first request of a GET file asks for its first chunk only.
    const firstRange =
      stored.head === null &&
      stored.request.method === 'GET' &&
      !file.rangesRefused &&
      !oneStream(stored) &&
      next.range.start === 0 &&
      next.range.end === null;
    if (firstRange) {
      next.range = {start: 0, end: length};
    }
    const resume = firstRange
      ? NO_VALIDATORS
      : stored.head === null
        ? null
        : {etag: stored.etag, lastModified: stored.lastModified};
    const request = {
      id: state.nextRequestId++,
      file: next.file,
      range: next.range,
      generation: stored.generation,
      startedAt: env.now,
      cancelled: false,
      stalled: false,
      ranged:
        !firstRange && resume !== null && !(next.range.start === 0 && next.range.end === null),
      firstRange,
      received: false,
      readStart: 0,
      readLimit: null,
      readMode: null,
      errorHead: null,
    };
    state.requests.push(request);
    const afterSave = !repeatable(stored.request.method);
    if (afterSave) {
      stored.sent = true;
      save(ctx);
    }
    ctx.out.push(
      {type: 'fetch', request: request.id, resume, afterSave},
      {type: 'watch', request: request.id, ms: state.settings.stallTimeout},
    );
  }
}

/** The result is set and no request is left: hand the job to the queue, or purge it when that happened before a restart. */
function startSettlement(ctx: Ctx): void {
  const {state} = ctx;
  const {record} = state;
  if (record.settled) {
    state.recordsAvailable = false;
    state.settlement = 'purging';
    ctx.out.push({type: 'purge'});
    return;
  }
  state.settlement = 'settling';
  const kind =
    record.state === 'succeeded' ? 'success' : record.state === 'aborted' ? 'abort' : 'fail';
  ctx.out.push({type: 'save'}, {type: 'settle', kind});
}
