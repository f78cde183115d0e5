/*
  A fake world for the download core: a clock, an HTTP server with Range
  support and fault injection, a chunk store and a record store, all in
  memory. It carries out the core's commands the way `FallbackJob.ts` does
  and feeds the results back as events, so a whole download (faults,
  pauses, restarts) runs in Node in milliseconds.
*/
import {chunkKey, chunkKeyPrefix} from '../../../src/lib/fallback/ChunkStore';
import {isWanted, step} from '../../../src/lib/fallback/downloadCore';
import {createDownloadState} from '../../../src/lib/fallback/downloadState';
import {resumeHeaders} from '../../../src/lib/fallback/resumeHeaders';
import {newStoredFile} from '../../../src/lib/fallback/StoredJob';
import type {
  DownloadCommand,
  DownloadEvent,
  DownloadState,
  ResponseSummary,
} from '../../../src/lib/fallback/downloadState';
import type {FallbackSettings} from '../../../src/lib/fallback/FallbackSettings';
import type {StoredFile, StoredJob} from '../../../src/lib/fallback/StoredJob';

/** What the fake server answers one request with. */
/** An HTTP answer; `cutAfter`: the connection breaks after that many body bytes. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array;
  cutAfter?: number;
}

export type FakeAnswer =
  | FakeResponse
  | {network: true}
  /** No answer until the request is cut. */
  | {stall: true};

/** A request the fake server saw. */
export interface SeenRequest {
  url: string;
  headers: Record<string, string>;
}

/** The default answer: the file, with Range support. */
export function serveFile(
  body: Uint8Array,
  headers: Record<string, string>,
  seen: SeenRequest,
  {ranges = true}: {ranges?: boolean} = {},
): FakeAnswer {
  const range = seen.headers.Range;
  const base = {...headers, ...(ranges ? {'accept-ranges': 'bytes'} : {})};
  if (!range || !ranges) {
    return {status: 200, headers: {...base, 'content-length': String(body.length)}, body};
  }
  const [, from, to] = /^bytes=(\d+)-(\d*)$/.exec(range)!;
  const start = Number(from);
  const end = to === '' ? body.length : Math.min(body.length, Number(to) + 1);
  if (start >= body.length) {
    return {status: 416, headers: {'content-range': `bytes */${body.length}`}};
  }
  return {
    status: 206,
    headers: {
      ...base,
      'content-range': `bytes ${start}-${end - 1}/${body.length}`,
      'content-length': String(end - start),
    },
    body: body.subarray(start, end),
  };
}

export function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = (i * 31 + seed * 7) % 251;
  }
  return out;
}

export const SETTINGS: FallbackSettings = {
  chunkSize: 512 * 1024,
  maxInFlight: 2,
  retry: {maxAttempts: 3, initialDelay: 100, maxDelay: 400},
  stallTimeout: 1500,
  notifications: false,
};

export function newFile(url: string, method = 'GET'): StoredFile {
  return newStoredFile({
    url,
    method,
    headers: [],
    mode: 'cors',
    credentials: 'same-origin',
    cache: 'default',
    redirect: 'follow',
    referrer: '',
    referrerPolicy: '',
    integrity: '',
  });
}

export function newRecord(urls: string[], downloadTotal = 0, method = 'GET'): StoredJob {
  return {
    uid: 'uid1',
    jobId: 'q:job',
    queue: 'q',
    id: 'job',
    state: 'queued',
    failureReason: '',
    options: {downloadTotal},
    storage: 'indexeddb',
    files: urls.map((url) => newFile(url, method)),
    settled: false,
  };
}

/** Commands that start work the driver awaits before a request ends. */
const OPERATIONS = new Set(['fetch', 'checkRoom', 'read', 'storeErrorBody']);
/** Events that end such work. */
const RESULTS = new Set([
  'response',
  'requestFailed',
  'roomChecked',
  'bodyRead',
  'errorBodyStored',
]);

interface Timer {
  at: number;
  event: DownloadEvent;
  key: string;
}

/** The fake world around one job's core. */
export class Simulation {
  readonly state: DownloadState;
  now = 0;
  online = true;
  /** Room left for `checkRoom`. */
  room = Infinity;
  /** The chunk store fails with a quota error on its next put. */
  storeFull = false;
  /**
   * Every write (chunk puts and saves) fails with a quota error while the
   * browser's count of the storage is impossible (`usageMiscounted`).
   */
  miscounted = false;
  readonly chunks = new Map<string, Uint8Array>();
  /** The last record written by `save`. */
  saved: StoredJob | null = null;
  readonly seen: SeenRequest[] = [];
  readonly commands: DownloadCommand[] = [];
  readonly settlements: string[] = [];
  recordsAvailableWhenSettled: boolean | null = null;
  forgotten = false;
  /** Called with every command before it is carried out (a test's fault: chunks deleted…). */
  onCommand: ((command: DownloadCommand) => void) | null = null;
  private readonly _events: DownloadEvent[] = [];
  private readonly _timers = new Map<string, Timer>();
  private readonly _bodies = new Map<number, FakeResponse>();
  private readonly _stalled = new Set<number>();
  private readonly _ops = new Map<number, number>();
  private readonly _holdSettlement: boolean;
  private readonly _ended = new Set<number>();
  private readonly _server: (seen: SeenRequest, index: number) => FakeAnswer;

  constructor(
    record: StoredJob,
    server: (seen: SeenRequest, index: number) => FakeAnswer,
    {
      settings = SETTINGS,
      resumed = false,
      holdSettlement = false,
    }: {settings?: FallbackSettings; resumed?: boolean; holdSettlement?: boolean} = {},
  ) {
    this.state = createDownloadState(record, settings, resumed);
    this._holdSettlement = holdSettlement;
    this._server = server;
  }

  /** Applies `event` and everything that follows from it, timers included, until nothing is left. */
  run(event: DownloadEvent, {until = Infinity}: {until?: number} = {}): boolean {
    const accepted = this.send(event);
    this.settle(until);
    return accepted;
  }

  /** Applies `event` and its immediate consequences, without advancing the clock. */
  send(event: DownloadEvent): boolean {
    const accepted = this._apply(event);
    this._drain();
    return accepted;
  }

  /** Advances the clock through timers until nothing is left or `until`. */
  settle(until = Infinity): void {
    for (let guard = 0; guard < 10_000; guard++) {
      this._drain();
      const next = [...this._timers.values()].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > until) {
        return;
      }
      this._timers.delete(next.key);
      this.now = Math.max(this.now, next.at);
      this._apply(next.event);
    }
    throw new Error('the simulation did not settle');
  }

  /** The bytes of file `index` as stored. */
  fileBytes(index: number): Uint8Array {
    const {stored} = this.state.files[index];
    const parts = [...stored.chunks]
      .sort((a, b) => a.start - b.start)
      .map(
        (chunk) =>
          this.chunks.get(chunkKey(this.state.record.uid, index, stored.generation, chunk.start))!,
      );
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  commandsOf<T extends DownloadCommand['type']>(
    type: T,
  ): Array<Extract<DownloadCommand, {type: T}>> {
    return this.commands.filter(
      (command): command is Extract<DownloadCommand, {type: T}> => command.type === type,
    );
  }

  private _drain(): void {
    for (let guard = 0; this._events.length > 0; guard++) {
      if (guard > 100_000) {
        throw new Error('endless events');
      }
      this._apply(this._events.shift()!);
    }
  }

  private _apply(event: DownloadEvent): boolean {
    const env = {now: this.now, online: this.online, random: () => 0.5};
    const id = 'request' in event ? event.request : null;
    if (id !== null && RESULTS.has(event.type)) {
      this._ops.set(id, (this._ops.get(id) ?? 1) - 1);
    }
    if (event.type === 'requestEnded') {
      this._timers.delete(`watch${event.request}`);
    }
    const {accepted, commands} = step(this.state, event, env);
    this.commands.push(...commands);
    for (const command of commands) {
      if ('request' in command && OPERATIONS.has(command.type)) {
        this._ops.set(command.request, (this._ops.get(command.request) ?? 0) + 1);
      }
      this._carryOut(command);
    }
    // The driver's request task ends once its fetch and every read of it ended.
    if (id !== null && this._ops.get(id) === 0 && !this._ended.has(id)) {
      this._ended.add(id);
      this._later({type: 'requestEnded', request: id});
    }
    return accepted;
  }

  private _later(event: DownloadEvent): void {
    this._events.push(event);
  }

  private _carryOut(command: DownloadCommand): void {
    const {state} = this;
    this.onCommand?.(command);
    switch (command.type) {
      case 'save':
        if (this.miscounted) {
          this._later({type: 'saveFailed', quota: 'miscounted'});
        } else {
          this.saved = structuredClone(state.record);
        }
        break;
      case 'fetch': {
        const request = state.requests.find((r) => r.id === command.request)!;
        const {stored} = state.files[request.file];
        const seen = {
          url: stored.request.url,
          headers: resumeHeaders(command.resume, request.range, true),
        };
        this.seen.push(seen);
        const answer = this._server(seen, this.seen.length - 1);
        if ('stall' in answer) {
          this._stalled.add(request.id);
        } else if ('network' in answer) {
          this._later({type: 'requestFailed', request: request.id, quota: false});
        } else {
          this._bodies.set(request.id, answer);
          const headers = new Map(Object.entries(answer.headers ?? {}));
          const length = headers.get('content-length');
          const summary: ResponseSummary = {
            status: answer.status,
            ok: answer.status >= 200 && answer.status < 300,
            head: {status: answer.status, statusText: '', headers: [...headers]},
            validators: {
              etag: headers.get('etag') ?? null,
              lastModified: headers.get('last-modified') ?? null,
            },
            contentRange: headers.get('content-range') ?? null,
            contentLength: length === undefined ? null : Number(length),
            fullLength: length === undefined ? null : Number(length),
            acceptsRanges: headers.get('accept-ranges') === 'bytes',
            crossOrigin: false,
          };
          this._later({type: 'response', request: request.id, response: summary});
        }
        break;
      }
      case 'cancel':
        if (this._stalled.delete(command.request)) {
          this._later({type: 'requestFailed', request: command.request, quota: false});
        }
        break;
      case 'watch':
        this._timers.set(`watch${command.request}`, {
          at: this.now + command.ms,
          key: `watch${command.request}`,
          event: {type: 'stalled', request: command.request},
        });
        break;
      case 'checkRoom':
        this._later({
          type: 'roomChecked',
          request: command.request,
          ok: command.bytes <= this.room,
        });
        break;
      case 'read':
        this._read(command.request, command.commitEvery);
        break;
      case 'storeErrorBody': {
        const request = state.requests.find((r) => r.id === command.request)!;
        const body = this._bodies.get(command.request)?.body ?? new Uint8Array(0);
        if (body.length > 0 && isWanted(state, request)) {
          this.chunks.set(chunkKey(state.record.uid, request.file, request.generation, 0), body);
        }
        this._later({type: 'errorBodyStored', request: command.request, size: body.length});
        break;
      }
      case 'deleteGeneration':
        this._deletePrefix(chunkKeyPrefix(state.record.uid, command.file, command.generation));
        break;
      case 'wakeAt':
        this._timers.set('wake', {
          at: Math.max(this.now + 10, command.at),
          key: 'wake',
          event: {type: 'tick'},
        });
        break;
      case 'waitOnline':
        if (this.online) {
          this._later({type: 'online'});
        }
        break;
      case 'checkChunks':
        this._later({
          type: 'chunksChecked',
          present: state.files.map(({stored}, index) =>
            stored.chunks.map((chunk) =>
              this.chunks.has(chunkKey(state.record.uid, index, stored.generation, chunk.start)),
            ),
          ),
        });
        break;
      case 'settle':
        this.settlements.push(command.kind);
        this.recordsAvailableWhenSettled = state.recordsAvailable;
        if (!this._holdSettlement) {
          this._later({type: 'settlementHandled'});
        }
        break;
      case 'purge':
        this._deletePrefix(chunkKeyPrefix(state.record.uid));
        this.saved = null;
        this._later({type: 'purged'});
        break;
      case 'forget':
        this.forgotten = true;
        break;
      default:
        break;
    }
  }

  /** Ends a held settlement (the queue's handler returned): the job is purged. */
  release(): void {
    this.run({type: 'settlementHandled'});
  }

  /** The network is back: the core's `waitOnline` ends. */
  goOnline(): void {
    this.online = true;
    if (this.state.waitingOnline) {
      this.run({type: 'online'});
    }
  }

  private _deletePrefix(prefix: string): void {
    for (const key of [...this.chunks.keys()]) {
      if (key.startsWith(prefix)) {
        this.chunks.delete(key);
      }
    }
  }

  private _read(id: number, commitEvery: number): void {
    const request = this.state.requests.find((r) => r.id === id)!;
    const answer = this._bodies.get(id)!;
    let body = answer.body ?? new Uint8Array(0);
    if (request.readLimit !== null) {
      body = body.subarray(0, request.readLimit);
    }
    const cut = answer.cutAfter !== undefined && answer.cutAfter < body.length;
    if (cut) {
      body = body.subarray(0, answer.cutAfter);
    }
    const parts =
      request.readMode === 'whole'
        ? [body]
        : Array.from({length: Math.ceil(body.length / commitEvery)}, (_, i) =>
            body.subarray(i * commitEvery, (i + 1) * commitEvery),
          );
    if (request.readMode === 'whole' && !cut) {
      this._later({type: 'bodyReceived', request: id, received: body.length});
    }
    let offset = 0;
    for (const part of parts) {
      if (request.readMode === 'stream') {
        this._later({type: 'bytes', request: id, count: part.length});
      }
      const at = request.readStart + offset;
      offset += part.length;
      const wanted = part.length > 0 && isWanted(this.state, request);
      if (wanted && (this.storeFull || this.miscounted)) {
        this._later({
          type: 'requestFailed',
          request: id,
          quota: this.storeFull ? 'full' : 'miscounted',
        });
        return;
      }
      if (wanted) {
        this.chunks.set(
          chunkKey(this.state.record.uid, request.file, request.generation, at),
          part,
        );
      }
      this._later({type: 'partStored', request: id, offset: at, size: part.length, stored: wanted});
    }
    this._later(
      cut
        ? {type: 'requestFailed', request: id, quota: false}
        : {type: 'bodyRead', request: id, received: body.length},
    );
  }
}
