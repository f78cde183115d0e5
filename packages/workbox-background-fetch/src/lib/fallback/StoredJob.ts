import type {SerializedRequest} from '../../protocol.js';
import type {BackgroundFetchFailureReason, BackgroundFetchOptions} from '../../types.js';
import type {ChunkStorageKind} from './ChunkStore.js';
import type {JobState} from './jobStateMachine.js';
import type {StoredChunk} from './planChunks.js';

/*
  What IndexedDB keeps of a fallback job, so a killed worker or a restarted
  browser goes on from the last stored chunk. Plain field names only: these
  objects cross structured cloning, and production builds mangle `_` names.
*/

/** The status line and headers of the response a file's bytes come from. */
export interface StoredResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
}

/** Where one file of a job stands. */
export type FileStatus =
  /** Still downloading (or waiting to). */
  | 'pending'
  /** Every byte is stored. */
  | 'done'
  /** The server's final answer was not ok; that response is the record. */
  | 'bad-status'
  /** No usable response (fetch-error). */
  | 'failed';

/** One request of a job and the state of its download. */
export interface StoredFile {
  request: SerializedRequest;
  status: FileStatus;
  /** `null` until the file's first response arrived, and after a restart. */
  head: StoredResponseHead | null;
  /** Complete length in bytes, `null` while unknown. */
  total: number | null;
  /** The server answers Range requests for this file. */
  ranges: boolean;
  etag: string | null;
  lastModified: string | null;
  /** Stored chunks, in the order they were stored. */
  chunks: StoredChunk[];
  /** Bumped when the file starts over; part of its chunks' keys. */
  generation: number;
  /** Failed attempts in a row (reset by progress). */
  attempts: number;
  /** Times the file changed on the server during the download. */
  changes: number;
  /** A request of a method that is never repeated went out. */
  sent: boolean;
  /**
   * A response came from another origin (a redirect to a CDN): later
   * requests send no `If-Range`, which would need a CORS preflight there.
   */
  crossOrigin?: boolean;
}

/** One fallback job, as stored under its `uid`. */
export interface StoredJob {
  /** Unique per job ever created: the key of this record and of its chunks. */
  uid: string;
  /** `toJobId(queue, id)`. */
  jobId: string;
  queue: string;
  /** The caller's id. */
  id: string;
  state: JobState;
  failureReason: BackgroundFetchFailureReason;
  options: BackgroundFetchOptions;
  storage: ChunkStorageKind;
  files: StoredFile[];
  /** The settlement ran: only the purge of chunks and record is left. */
  settled: boolean;
  /**
   * The throughput of one request measured last (bytes/s), so that chunk
   * sizes survive a worker restart (absent before a measure and in records
   * of older versions).
   */
  rate?: number;
  /**
   * The most requests in flight once the server limited connections (a 503
   * or 429 while others were open), so that a worker restart does not try
   * more again (absent until then and in records of older versions).
   */
  inFlightCap?: number;
  /** The scope of the service worker registration that created the job (absent in records of older versions). */
  scope?: string;
  /** When a worker first found no queue of this name (`Date.now()`); the job is deleted after the orphan grace. */
  orphanedSince?: number;
}

/**
 * The state of a file not requested yet.
 *
 * @private
 */
export function newStoredFile(request: SerializedRequest): StoredFile {
  return {
    request,
    status: 'pending',
    head: null,
    total: null,
    ranges: false,
    etag: null,
    lastModified: null,
    chunks: [],
    generation: 0,
    attempts: 0,
    changes: 0,
    sent: false,
  };
}
