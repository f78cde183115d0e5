import {logger} from '../logger.js';
import {withinOrWarn} from './boundedChunkRead.js';
import {chunkKey, partSize} from './ChunkStore.js';
import {findRequest, isWanted} from './downloadCore.js';
import {STORAGE_WAIT_MS} from './jobStore.js';
import {hasRoomFor, isQuotaError, storageRefusal} from './quota.js';
import {readBody} from './readBody.js';
import {
  buildRequest,
  cancelBody,
  sameOrigin,
  summarizeResponse,
  untilAborted,
} from './requestIO.js';
import {resumeHeaders} from './resumeHeaders.js';
import type {ChunkPart, ChunkStore} from './ChunkStore.js';
import type {DownloadCommand, DownloadEvent, DownloadState, RequestState} from './downloadState.js';

/*
  The I/O of one request of a job, as the core's commands about it ask for
  it (`fetch`, `cancel`, `cancelBody`, `watch`, `checkRoom`, `read`,
  `storeErrorBody`): each result goes back to the core as an event. A
  request's task ends (`requestEnded`) once its fetch and every piece of
  work on its response ended.
*/

/** The I/O of one request in flight. @private */
export interface RequestIO {
  controller: AbortController;
  /** The stall timer (see the core's `watch` command). */
  timer?: ReturnType<typeof setTimeout>;
  response: Response | null;
  /** Work on the response the core asked for (room check, body read), in order. */
  work: Array<Promise<void>>;
}

/** What request tasks need of their job (`FallbackJob`). @private */
export interface RequestDriver {
  state: DownloadState;
  store: ChunkStore;
  io: Map<number, RequestIO>;
  dispatch(event: DownloadEvent): void;
  /** Resolves once a write of the record as it is now ended. */
  saved(): Promise<void>;
  /** A part of a file is stored, or about to be, under `key`. */
  storing?(key: string, part: ChunkPart): void;
}

function keyOf(driver: RequestDriver, request: RequestState, offset: number): string {
  return chunkKey(driver.state.record.uid, request.file, request.generation, offset);
}

/**
 * The slowest a chunk write is taken to be, in bytes per second, on top of
 * `STORAGE_WAIT_MS`: 1 MiB/s, far below any disk (a 64 MiB chunk may take
 * 84 s).
 */
const SLOWEST_CHUNK_WRITE = 1024 * 1024;

/**
 * Stores `part`, the bytes of `request` from `offset`, or rejects with a
 * `TimeoutError` (`chunk-write-timeout`) when the chunk store did not
 * answer within `STORAGE_WAIT_MS` plus the part's size at
 * `SLOWEST_CHUNK_WRITE`: the request then fails and is fetched again, and
 * a job that IndexedDB keeps waiting for good (WebKit behind a worker
 * terminated mid-write, a transaction that never ends) fails once its
 * retries are spent, rather than waiting for ever. The write itself stays
 * queued; a chunk it stores late belongs to no record, and goes when the
 * job ends or at the next sweep.
 */
function storePart(
  driver: RequestDriver,
  request: RequestState,
  key: string,
  part: ChunkPart,
): Promise<void> {
  const bytes = partSize(part);
  const ms = STORAGE_WAIT_MS + Math.ceil((bytes / SLOWEST_CHUNK_WRITE) * 1000);
  const {url} = driver.state.files[request.file].stored.request;
  return withinOrWarn(driver.store.put(key, part), ms, 'chunk-write-timeout', {url, bytes});
}

/** The core's commands about one request. @private */
export type RequestCommand = Extract<
  DownloadCommand,
  {type: 'fetch' | 'cancel' | 'cancelBody' | 'watch' | 'checkRoom' | 'read' | 'storeErrorBody'}
>;

/**
 * Carries out a command about one request; the work on a response (room
 * check, body read) runs in the order the core asked for it. A command
 * about a request that already ended does nothing.
 *
 * @private
 */
export function runRequestCommand(driver: RequestDriver, command: RequestCommand): void {
  if (command.type === 'fetch') {
    runRequest(driver, command);
    return;
  }
  const io = driver.io.get(command.request);
  if (!io) {
    return;
  }
  const {request: id} = command;
  switch (command.type) {
    case 'cancel':
      io.controller.abort();
      break;
    case 'cancelBody':
      if (io.response) {
        cancelBody(io.response);
      }
      break;
    case 'watch':
      clearTimeout(io.timer);
      io.timer = setTimeout(() => driver.dispatch({type: 'stalled', request: id}), command.ms);
      break;
    case 'checkRoom':
      io.work.push(
        hasRoomFor(command.bytes).then((ok) =>
          driver.dispatch({type: 'roomChecked', request: id, ok}),
        ),
      );
      break;
    case 'read':
      io.work.push(readResponse(driver, io, command));
      break;
    case 'storeErrorBody':
      io.work.push(storeErrorBody(driver, io, id));
      break;
  }
}

/** Carries out a `fetch` command: sends the request, then the work the core asks on its response. */
function runRequest(
  driver: RequestDriver,
  command: Extract<DownloadCommand, {type: 'fetch'}>,
): void {
  const request = findRequest(driver.state, command.request)!;
  const io: RequestIO = {controller: new AbortController(), response: null, work: []};
  driver.io.set(request.id, io);
  send(driver, request, io, command)
    .catch(async (error: unknown) => {
      if (process.env.NODE_ENV !== 'production' && !isQuotaError(error)) {
        const {url} = driver.state.files[request.file].stored.request;
        logger.error(`Unexpected error downloading ${url}:`, error);
      }
      const quota = await storageRefusal(error);
      driver.dispatch({type: 'requestFailed', request: request.id, quota});
    })
    .finally(() => {
      clearTimeout(io.timer);
      driver.io.delete(request.id);
      driver.dispatch({type: 'requestEnded', request: request.id});
    });
}

async function send(
  driver: RequestDriver,
  request: RequestState,
  io: RequestIO,
  {resume, afterSave}: Extract<DownloadCommand, {type: 'fetch'}>,
): Promise<void> {
  const stored = driver.state.files[request.file].stored;
  const headers = resumeHeaders(
    resume,
    request.range,
    !stored.crossOrigin && sameOrigin(stored.request.url),
  );
  if (afterSave) {
    await driver.saved();
  }
  let response: Response;
  try {
    response = await fetch(buildRequest(stored.request, headers, io.controller.signal));
  } catch {
    driver.dispatch({type: 'requestFailed', request: request.id, quota: false});
    return;
  }
  io.response = response;
  driver.dispatch({
    type: 'response',
    request: request.id,
    response: summarizeResponse(response, stored.request.method),
  });
  while (io.work.length > 0) {
    await io.work.shift();
  }
}

/** Carries out a `read` command: reads the body (`request.readMode`), storing it part by part. */
async function readResponse(
  driver: RequestDriver,
  io: RequestIO,
  {request: id, commitEvery, afterSave}: Extract<DownloadCommand, {type: 'read'}>,
): Promise<void> {
  const request = findRequest(driver.state, id)!;
  const response = io.response!;
  const {signal} = io.controller;
  if (afterSave) {
    await driver.saved();
  }
  if (!isWanted(driver.state, request)) {
    cancelBody(response);
    return;
  }
  const commit = async (offset: number, part: ChunkPart): Promise<void> => {
    const size = partSize(part);
    const wanted = size > 0 && isWanted(driver.state, request);
    if (wanted) {
      const key = keyOf(driver, request, offset);
      // The record written while the job downloads gets the part now, or,
      // where the browser copies chunks (Cache Storage), once stored:
      // Chromium's two cache writes at once were slower (npm run bench,
      // 40 MB/s: 0.95× A against 0.97× in the same run).
      const now = !driver.store.copiesInBrowser;
      if (now) {
        driver.storing?.(key, part);
      }
      await storePart(driver, request, key, part);
      if (!now) {
        driver.storing?.(key, part);
      }
    }
    driver.dispatch({type: 'partStored', request: id, offset, size, stored: wanted});
  };
  let received: number;
  try {
    if (request.readMode === 'whole') {
      // blob(): the bytes stay in the browser. arrayBuffer() plus a Blob
      // was slower and took more memory (npm run bench -- --quick
      // --size=256 --rounds=4, loopback, Firefox: 3.44-3.96 s and
      // +615-647 MiB in 3 of 4 rounds, against 3.00-4.24 s and
      // +374-433 MiB). On Chromium, putting the Range response's own body
      // into the chunk cache (new Response(response.body)) instead of a
      // Blob was slower and moved the memory into the worker: the stream
      // passes through JavaScript (npm run bench -- --quick --size=256
      // --rounds=3 --chunks=16,64, loopback: fb-16-cache 0.32× A against
      // 0.51×, worker CPU 1.14 core-s against 0.36). A store that keeps
      // bytes gets them as read (see `ChunkStore.keepsBytes`).
      let body = await untilAborted<ChunkPart>(
        driver.store.keepsBytes ? response.arrayBuffer() : response.blob(),
        signal,
      );
      if (request.readLimit !== null && partSize(body) > request.readLimit) {
        body = body.slice(0, request.readLimit);
      }
      received = partSize(body);
      driver.dispatch({type: 'bodyReceived', request: id, received});
      await commit(request.readStart, body);
    } else {
      received = await readBody(response, {
        // Bytes, not Blobs, where the store keeps bytes, and in Chromium's
        // Cache Storage: a Blob's data stays in the browser process until
        // the worker's garbage collection (npm run bench -- --size=256
        // --engines=chromium --chunks=16,64, 40 MB/s, medians: memory
        // +71 / +47 MiB against +139 / +118 at 16 / 64 MiB chunks, browser
        // CPU 3.8 core-s against 4.3-4.6, speed 0.99× A against 0.91-0.96×).
        asBytes: driver.store.keepsBytes || driver.store.copiesInBrowser,
        limit: request.readLimit,
        commitEvery,
        commit: (offset, part) => commit(request.readStart + offset, part),
        onBytes: (count) => driver.dispatch({type: 'bytes', request: id, count}),
        signal,
      });
    }
  } catch (error) {
    driver.dispatch({type: 'requestFailed', request: id, quota: await storageRefusal(error)});
    return;
  }
  driver.dispatch({type: 'bodyRead', request: id, received});
}

/** Carries out a `storeErrorBody` command: the body of a final error response is the file's record. */
async function storeErrorBody(driver: RequestDriver, io: RequestIO, id: number): Promise<void> {
  const request = findRequest(driver.state, id)!;
  let body: Blob;
  try {
    body = await untilAborted(io.response!.blob(), io.controller.signal);
  } catch {
    body = new Blob([]);
  }
  if (body.size > 0 && isWanted(driver.state, request)) {
    await storePart(driver, request, keyOf(driver, request, 0), body);
  }
  driver.dispatch({type: 'errorBodyStored', request: id, size: body.size});
}
