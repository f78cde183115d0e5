import {createError} from '../models/createError.js';
import {deserializeRequest} from '../serialization.js';
import {assembleResponse} from './assembleResponse.js';
import {chunkKey} from './ChunkStore.js';
import {isActiveState} from './jobStateMachine.js';
import {matchRecordRequest} from './matchRecordRequest.js';
import type {BackgroundFetchRecord} from '../../types.js';
import type {ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/** What `matchAll()` needs of a job. @private */
export interface RecordSource {
  state: DownloadState;
  store: ChunkStore;
  /** Resolves once `isFinal(state, index)` holds. */
  whenFinal(index: number): Promise<void>;
}

/** True once file `index` will not change any more: its response can be read. @private */
export function isFinal(state: DownloadState, index: number): boolean {
  return state.files[index].stored.status !== 'pending' || !isActiveState(state.record.state);
}

/** The response of file `index` once final: its stored bytes, or the error of a failed or aborted file. */
async function fileResponse(source: RecordSource, index: number): Promise<Response> {
  await source.whenFinal(index);
  const {state, store} = source;
  const {stored} = state.files[index];
  const details = {id: state.record.id, url: stored.request.url};
  if ((stored.status === 'done' || stored.status === 'bad-status') && stored.head) {
    const sorted = [...stored.chunks].sort((a, b) => a.start - b.start);
    const parts = await Promise.all(
      sorted.map((chunk) =>
        store.get(chunkKey(state.record.uid, index, stored.generation, chunk.start)),
      ),
    );
    if (parts.every((part): part is Blob => part !== undefined)) {
      return assembleResponse(stored.head, parts, stored.request.url);
    }
  } else if (state.record.state === 'aborted') {
    throw createError('download-aborted', details, 'AbortError');
  }
  throw createError('download-failed', details, 'TypeError');
}

/**
 * The records of a job whose requests match `request` (all without it), as
 * `BackgroundFetchRegistration.matchAll()`. Rejects with
 * `InvalidStateError` once the settlement ran.
 *
 * @private
 */
export async function readRecords(
  source: RecordSource,
  request?: RequestInfo | URL,
  options?: CacheQueryOptions,
): Promise<BackgroundFetchRecord[]> {
  const {state} = source;
  if (!state.recordsAvailable) {
    throw createError('records-unavailable', {id: state.record.id}, 'InvalidStateError');
  }
  const query =
    request === undefined || request instanceof Request ? request : new Request(String(request));
  const indexes = state.files.flatMap(({stored}, index) =>
    !query || matchRecordRequest(query, stored.request, options) ? [index] : [],
  );
  return Promise.all(
    indexes.map(async (index) => {
      const responseReady = fileResponse(source, index);
      // Handled here so an unread failure is no unhandled rejection; the
      // caller still sees it.
      responseReady.catch(() => undefined);
      if (isFinal(state, index)) {
        // Settled before the record is handed out: a reader that does not
        // want to wait (the page protocol) sees it at once.
        await responseReady.catch(() => undefined);
      }
      return {request: deserializeRequest(state.files[index].stored.request), responseReady};
    }),
  );
}
