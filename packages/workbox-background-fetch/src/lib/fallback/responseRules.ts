import {
  cancel,
  checkComplete,
  checkDownloadTotal,
  countChange,
  failFile,
  failJob,
  fileChanged,
  isWanted,
  log,
  noteFailure,
  noteProgress,
  oneStream,
  retryOrFail,
  save,
  startFileOver,
} from './coreRules.js';
import {fullResponseOfFirstRange} from './firstRangeResponse.js';
import {measure, nextChunkLength, requestCap} from './linkRate.js';
import {readInParts} from './planChunks.js';
import {retryAfterOf} from './responseHead.js';
import {isTransientStatus} from './retryPolicy.js';
import {validateResumeResponse} from './validateResumeResponse.js';
import type {Ctx} from './coreRules.js';
import type {RequestFailure} from './retryPolicy.js';
import type {ReadMode, RequestState, ResponseSummary, StorageRefusal} from './downloadState.js';

/*
  What the core does with a request's response and body (see
  `downloadCore.ts` for the diagram): a full response sets the file's head
  and length; a resume is validated before a byte of it is kept; bodies
  are read whole or as a stream; failures go through `decideRetry`.
*/

/** A stream without usable ranges is stored in parts of at most this size. */
const STREAM_PART = 4 * 1024 * 1024;

/**
 * A body read whole (`response.blob()`) shows no progress until it is
 * complete: it may take `stallTimeout` plus its length at this rate.
 */
const SLOWEST_RATE = 64 * 1024;

function read(
  ctx: Ctx,
  request: RequestState,
  {
    start,
    limit,
    mode,
    afterSave,
  }: {start: number; limit: number | null; mode: ReadMode; afterSave: boolean},
): void {
  const {state} = ctx;
  request.readStart = start;
  request.readLimit = limit;
  request.readMode = mode;
  const {stallTimeout} = state.settings;
  if (mode === 'whole') {
    const expected = limit ?? state.files[request.file].stored.total ?? 0;
    ctx.out.push({
      type: 'watch',
      request: request.id,
      ms: stallTimeout + (expected / SLOWEST_RATE) * 1000,
    });
  }
  const commitEvery = Math.min(STREAM_PART, nextChunkLength(state));
  ctx.out.push({type: 'read', request: request.id, commitEvery, afterSave});
}

function cancelBody(ctx: Ctx, request: RequestState): void {
  ctx.out.push({type: 'cancelBody', request: request.id});
}

/** A response arrived for `request`. @private */
export function onResponse(ctx: Ctx, request: RequestState, response: ResponseSummary): void {
  if (response.crossOrigin) {
    ctx.state.files[request.file].stored.crossOrigin = true;
  }
  if ((request.cancelled && !request.stalled) || !isWanted(ctx.state, request)) {
    cancelBody(ctx, request);
  } else if (request.stalled) {
    cancelBody(ctx, request);
    retryOrFail(ctx, request.file, {type: 'network'}, request.startedAt);
  } else if (request.ranged) {
    checkResumeResponse(ctx, request, response);
  } else if (request.firstRange) {
    const full = fullResponseOfFirstRange(ctx, request, response);
    if (full) {
      acceptFullResponse(ctx, request, full);
    }
  } else {
    acceptFullResponse(ctx, request, response);
  }
}

/** A response to a request without Range: the whole file, or a final error status. */
function acceptFullResponse(ctx: Ctx, request: RequestState, response: ResponseSummary): void {
  const file = ctx.state.files[request.file];
  const {stored} = file;
  if (!response.ok) {
    keepErrorResponse(ctx, request, response);
    return;
  }
  const {method} = stored.request;
  stored.head = response.head;
  stored.etag = response.validators.etag;
  stored.lastModified = response.validators.lastModified;
  stored.total = response.fullLength;
  stored.ranges =
    method === 'GET' && stored.total !== null && response.acceptsRanges && !file.rangesRefused;
  stored.chunks = [];
  if (!checkDownloadTotal(ctx)) {
    cancelBody(ctx, request);
  } else if (stored.total !== null) {
    ctx.out.push({type: 'checkRoom', request: request.id, bytes: stored.total});
  } else {
    readFull(ctx, request);
  }
}

/** The result of `checkRoom`: the storage left holds the file, or the job fails (`quota-exceeded`). @private */
export function onRoomChecked(ctx: Ctx, request: RequestState, ok: boolean): void {
  if (!ok) {
    failJob(ctx, 'quota-exceeded');
  }
  if (!ok || !isWanted(ctx.state, request)) {
    cancelBody(ctx, request);
    return;
  }
  readFull(ctx, request);
}

/** Reads the body of a full 200 whose head is stored. */
function readFull(ctx: Ctx, request: RequestState): void {
  const {state} = ctx;
  const {stored} = state.files[request.file];
  save(ctx);
  const cap = requestCap(state.settings);
  const length = nextChunkLength(state);
  if (request.firstRange) {
    // A 206 of the first chunk: read whole, like any Range chunk.
    const limit = request.range.end! - request.range.start;
    read(ctx, request, {start: 0, limit, mode: 'whole', afterSave: true});
  } else if (stored.total !== null && stored.total <= length) {
    // No limit: a Content-Length that does not count the body as read
    // (content-encoding hidden from CORS) must not cut it.
    read(ctx, request, {start: 0, limit: null, mode: 'whole', afterSave: true});
  } else if (stored.ranges && !oneStream(stored) && stored.total! > cap) {
    // Read the first chunk from this response, then drop it: Range
    // requests fetch the rest meanwhile. (What the network already sent
    // of it is wasted, so files of one request are read to the end.)
    request.range = {start: 0, end: length};
    read(ctx, request, {start: 0, limit: length, mode: 'stream', afterSave: true});
  } else {
    read(ctx, request, {start: 0, limit: null, mode: 'stream', afterSave: true});
  }
}

/** A response to a Range request: checked before a byte of it is kept. */
function checkResumeResponse(ctx: Ctx, request: RequestState, response: ResponseSummary): void {
  const index = request.file;
  const file = ctx.state.files[index];
  const {stored} = file;
  const {status} = response;
  if (!response.ok && status !== 416) {
    cancelBody(ctx, request);
    if (status >= 400 && status < 500 && !isTransientStatus(status)) {
      // Gone, or Range refused: ask for the whole file afresh (its final
      // error status then becomes the record).
      file.rangesRefused = true;
      fileChanged(ctx, index, `status ${status}`);
    } else if (
      retryOrFail(ctx, index, statusFailure(ctx, request, response)) === 'give-up-status'
    ) {
      // A 5xx, 408 or 429 (a CDN limiting its clients) keeps the bytes
      // stored: the same range is asked again after the wait.
      failFile(ctx, index, 'fetch-error');
    }
    return;
  }
  const verdict = validateResumeResponse(
    {
      status,
      contentRange: response.contentRange,
      contentLength: response.contentLength,
      validators: response.validators,
    },
    {
      start: request.range.start,
      total: stored.total,
      validators: {etag: stored.etag, lastModified: stored.lastModified},
    },
  );
  if (verdict.action === 'restart') {
    cancelBody(ctx, request);
    fileChanged(ctx, index, verdict.reason);
    return;
  }
  if (verdict.action === 'replace') {
    if (verdict.changed && !countChange(ctx, index, 'new version')) {
      cancelBody(ctx, request);
      return;
    }
    if (process.env.NODE_ENV !== 'production') {
      log(
        ctx,
        'debug',
        `${stored.request.url} answered a resume with the whole file: starting over from it.`,
      );
    }
    if (!verdict.changed) {
      // Same file, Range ignored: asking again would get the same answer.
      file.rangesRefused = true;
    }
    startFileOver(ctx, index, request);
    request.range = {start: 0, end: null};
    request.generation = stored.generation;
    request.ranged = false;
    acceptFullResponse(ctx, request, response);
    return;
  }
  const {range} = verdict;
  if (stored.total === null && range.total !== null) {
    stored.total = range.total;
    stored.ranges = true;
    if (!checkDownloadTotal(ctx)) {
      cancelBody(ctx, request);
      return;
    }
  }
  const sent = range.end - range.start;
  const bounded = request.range.end !== null;
  read(ctx, request, {
    start: range.start,
    limit: bounded ? Math.min(sent, request.range.end! - request.range.start) : null,
    mode: bounded && !readInParts(ctx.state.rate) ? 'whole' : 'stream',
    afterSave: false,
  });
}

/**
 * The failure a response with an error status is, with its `Retry-After`.
 * A 503 or 429 while other requests of the job are open is a server that
 * limits connections per client (nginx's `limit_conn`, a CDN's rate
 * limit): the job keeps that many in flight from then on, instead of a
 * refused request at every turn.
 */
function statusFailure(ctx: Ctx, request: RequestState, response: ResponseSummary): RequestFailure {
  const {state} = ctx;
  const {status, head} = response;
  const open = state.requests.filter(
    (other) => other !== request && !other.cancelled && !other.received,
  ).length;
  if ((status === 503 || status === 429) && open > 0 && open < state.inFlightCap) {
    state.inFlightCap = state.record.inFlightCap = open;
    if (process.env.NODE_ENV !== 'production') {
      log(
        ctx,
        'warn',
        `${state.files[request.file].stored.request.url} answered ${status} while ${open} ` +
          `other request(s) of '${state.record.id}' were open: the server limits ` +
          `connections; the job keeps ${open} in flight.`,
      );
    }
  }
  return {type: 'status', status, retryAfter: retryAfterOf(head, ctx.env.now)};
}

/** A final error status of a full request becomes the record (`bad-status`), unless retried. */
function keepErrorResponse(ctx: Ctx, request: RequestState, response: ResponseSummary): void {
  if (response.status === 0) {
    // An opaque redirect (`redirect: 'manual'`): nothing a record can hold.
    cancelBody(ctx, request);
    failFile(ctx, request.file, 'fetch-error');
    return;
  }
  if (retryOrFail(ctx, request.file, statusFailure(ctx, request, response)) !== 'give-up-status') {
    cancelBody(ctx, request);
    return;
  }
  request.errorHead = response.head;
  ctx.out.push({type: 'storeErrorBody', request: request.id});
}

/** The body of a final error response is stored: it is the file's record. @private */
export function onErrorBodyStored(ctx: Ctx, request: RequestState, size: number): void {
  if (!isWanted(ctx.state, request) || request.errorHead === null) {
    return;
  }
  const {stored} = ctx.state.files[request.file];
  stored.head = request.errorHead;
  stored.total = size;
  stored.chunks = size > 0 ? [{start: 0, end: size}] : [];
  stored.status = 'bad-status';
  noteFailure(ctx, 'bad-status');
  noteProgress(ctx);
  save(ctx);
}

/** Bytes of a stream arrived: progress, and the stall timer starts again. @private */
export function onBytes(ctx: Ctx, request: RequestState, count: number): void {
  ctx.out.push({type: 'watch', request: request.id, ms: ctx.state.settings.stallTimeout});
  ctx.state.files[request.file].receiving += count;
  noteProgress(ctx);
}

/** A part of a body was stored (or dropped, `stored: false`). @private */
export function onPartStored(
  ctx: Ctx,
  request: RequestState,
  {offset, size, stored}: {offset: number; size: number; stored: boolean},
): void {
  const file = ctx.state.files[request.file];
  if (request.readMode === 'stream') {
    file.receiving = Math.max(0, file.receiving - size);
  }
  if (!stored || size === 0 || !isWanted(ctx.state, request)) {
    return;
  }
  file.stored.chunks.push({start: offset, end: offset + size});
  ctx.state.checkedEnd = false;
  file.stored.attempts = 0;
  checkComplete(ctx, request.file);
  noteProgress(ctx);
  save(ctx);
}

/** The body read ended after `received` bytes. @private */
export function onBodyRead(ctx: Ctx, request: RequestState, received: number): void {
  const {state} = ctx;
  if (!request.received) {
    measure(ctx, request, received);
  }
  if (!isWanted(state, request)) {
    return;
  }
  const {stored} = state.files[request.file];
  checkComplete(ctx, request.file);
  if (request.readLimit === null) {
    // Read to the end of the response: that is the end of the file.
    const end = request.readStart + received;
    if (stored.total === null || (request.readStart === 0 && end > stored.total)) {
      stored.total = end;
      stored.ranges = false;
      checkComplete(ctx, request.file);
      save(ctx);
      return;
    }
  }
  if (received === 0 && stored.status === 'pending') {
    // An empty body where bytes were announced: a failed attempt.
    retryOrFail(ctx, request.file, {type: 'network'}, request.startedAt);
  }
}

/**
 * `fetch()` or the body read failed (`quota`: the chunk store refused the
 * bytes: `'full'` fails the job, `'miscounted'` retries later, uncounted).
 *
 * @private
 */
export function onRequestFailed(ctx: Ctx, request: RequestState, quota: StorageRefusal): void {
  if (request.readMode !== null) {
    ctx.state.files[request.file].receiving = 0;
  }
  if (quota === 'full') {
    failJob(ctx, 'quota-exceeded');
  } else if ((!request.cancelled || request.stalled) && isWanted(ctx.state, request)) {
    retryOrFail(ctx, request.file, {type: quota ? 'storage' : 'network'}, request.startedAt);
  }
}

/** Nothing arrived in time: cut the request; its failure is then retried. @private */
export function onStalled(ctx: Ctx, request: RequestState): void {
  if (!request.cancelled) {
    request.stalled = true;
    cancel(ctx, request);
  }
}
