import {createSettlementEvent} from './createSettlementEvent.js';
import {deserializeRequest} from '../serialization.js';
import {RecordStream} from './RecordStream.js';
import {storedBytes} from './planChunks.js';
import type {EarlyWrites} from '../BackgroundFetchBackend.js';
import type {CachedRecord} from '../cacheRecords.js';
import type {SnapshotRegistration} from '../SnapshotRegistration.js';
import type {RecordStreamSource} from './RecordStream.js';
import {partSize} from './ChunkStore.js';
import type {ChunkPart} from './ChunkStore.js';

/**
 * Starts writing `request`'s record (body: `response`, which ends only once
 * the job succeeded) into its destination cache; resolves with where it
 * went (`null`: a plugin declined it). `undefined`: the record is copied at
 * the end instead.
 */
export type StartRecordWrite = (
  request: Request,
  response: Response,
  event: ExtendableEvent,
) => Promise<CachedRecord | null> | undefined;

/**
 * With chunks in Cache Storage (Chromium), a record whose write falls more
 * than `BEHIND` bytes and a third of the file's stored bytes behind them is
 * copied from the stored parts at the end instead: that copy runs inside
 * the browser, while the stream passes every byte through the worker, at
 * about 80 MB/s on Chromium. On loopback (npm run bench, 256 MiB) the
 * record landed 2.0 s after the last byte with the write during the
 * download, 0.8 s after with the copy at the end, which was slower at
 * 40 MB/s (0.86× A against 0.95×).
 */
const BEHIND = 48 * 1024 * 1024;

/**
 * Parts kept for the streams (`notePart`), in bytes: more than the Range
 * request a link of 40 MB/s gets (about 10 MiB), whose parts come while the
 * stream still writes the request before it.
 */
const FRESH_BYTES = 16 * 1024 * 1024;

/** Statuses of a response whose bytes the fallback downloads in parts. */
const STREAMED_STATUS = new Set([200, 206]);

/**
 * The records of one fallback job that its queue writes into their
 * destination caches while the job downloads (`BackendContext.earlyWrites`),
 * one pass instead of a copy of every file after the last byte. Each file
 * gets a `RecordStream` once its response head is known (again when it
 * starts over, or after a worker restart: the new stream reads the parts
 * already stored first). Streams end when the job succeeds and error in
 * every other case, so a cache never keeps a record the job did not finish;
 * a file without a usable early write is copied at the end as before.
 *
 * Measured with `npm run bench` (256 MiB, 40 MB/s, ratios to a plain
 * fetch → cache.put in the same rounds): Chromium 0.85× → 0.95× with
 * chunks in Cache Storage, Firefox 0.68× → 0.93×, WebKitGTK 0.62× → 0.77×;
 * with the settlement no longer reading the records back (`cacheRecords`),
 * Firefox 0.95× and WebKitGTK 0.92× (BENCHMARKS.md).
 *
 * @private
 */
export class EarlyRecords implements EarlyWrites {
  private readonly _source: RecordStreamSource;
  private readonly _write: StartRecordWrite;
  private readonly _registration: SnapshotRegistration;
  private readonly _streams: Array<RecordStream | undefined> = [];
  /** One entry per file (`undefined`: copied at the end), as `cacheRecords` counts them. */
  private readonly _writes: Array<Promise<CachedRecord | null> | undefined>;
  /** Files whose destination does not take an early write. */
  private readonly _declined = new Set<number>();
  /** Parts a stream has yet to write, by chunk key, for it to take without reading them back. */
  private readonly _fresh = new Map<string, ChunkPart>();
  private _ended = false;

  constructor(
    source: RecordStreamSource,
    registration: SnapshotRegistration,
    write: StartRecordWrite,
  ) {
    this._source = {
      ...source,
      takeFresh: (key) => {
        const part = this._fresh.get(key);
        this._fresh.delete(key);
        return part;
      },
    };
    this._write = write;
    this._writes = source.state.files.map(() => undefined);
    this._registration = registration;
  }

  /** The early writes, by file index, for the queue's settlement. */
  get writes(): ReadonlyArray<Promise<CachedRecord | null> | undefined> {
    return this._writes;
  }

  /**
   * A part is stored, or about to be (chunks in IndexedDB): kept in memory
   * for the stream that will read it, so it is not read back.
   * (A record's body ends only when the job succeeded, which needs every
   * part stored: a part whose store fails never ends up in a cache.)
   *
   * Parts wait here until their stream reaches them, up to `FRESH_BYTES`
   * in all: with two requests in flight, the later one's parts come
   * while the stream still writes the earlier one's. Over that, the parts
   * a stream needs last are dropped, and read from the store when it gets
   * there. (Keeping only the 2 parts stored last, each stream read about a
   * third of a 256 MiB file back at 40 MB/s: npm run bench -- --quick
   * --size=256, Firefox 30-45 IndexedDB reads of 2-40 ms each, Chromium
   * 27-112 cache reads.)
   */
  notePart(key: string, part: ChunkPart): void {
    if (this._ended || this._streams.length === 0) {
      return;
    }
    const fresh = this._fresh;
    fresh.set(key, part);
    // Over FRESH_BYTES: the part its stream needs last goes.
    for (;;) {
      let bytes = 0;
      let last = key;
      let ahead = -1;
      for (const [other, kept] of fresh) {
        bytes += partSize(kept);
        const distance = this._ahead(other);
        if (distance > ahead) {
          ahead = distance;
          last = other;
        }
      }
      if (bytes <= FRESH_BYTES || fresh.size < 2) {
        break;
      }
      fresh.delete(last);
    }
    for (const stream of this._streams) {
      stream?.wake();
    }
    this._dropLagging();
  }

  /** How far ahead of its stream the part under chunk `key` starts (`Infinity`: no stream will read it). */
  private _ahead(key: string): number {
    const [, file, generation, start] = key.split('/').map(Number);
    const stream = this._streams[file];
    const ahead = stream && stream.generation === generation ? start - stream.written : -1;
    return ahead < 0 || this._declined.has(file) ? Infinity : ahead;
  }

  /** Fails the writes that fall too far behind the parts stored (see `BEHIND`). */
  private _dropLagging(): void {
    const {state, store} = this._source;
    if (!store.copiesInBrowser) {
      return;
    }
    this._streams.forEach((stream, index) => {
      if (!stream || this._declined.has(index)) {
        return;
      }
      const stored = storedBytes(state.files[index].stored.chunks);
      if (stored - stream.written > Math.max(BEHIND, stored / 3)) {
        stream.fail(
          new Error(
            process.env.NODE_ENV !== 'production'
              ? 'Copied at the end: the write fell behind.'
              : '',
          ),
        );
        // Copied at the end, without waiting for this write to fail.
        this._writes[index] = undefined;
        this._declined.add(index);
      }
    });
  }

  /** After every event of the job: starts a write for each file whose head is known. */
  update(): void {
    const {state} = this._source;
    if (this._ended || state.record.state !== 'running') {
      return;
    }
    state.files.forEach(({stored}, index) => {
      const current = this._streams[index];
      if (
        this._declined.has(index) ||
        (current && current.generation === stored.generation) ||
        stored.request.method !== 'GET' ||
        !stored.head ||
        !STREAMED_STATUS.has(stored.head.status) ||
        (stored.status !== 'pending' && stored.status !== 'done')
      ) {
        return;
      }
      current?.fail(
        new Error(process.env.NODE_ENV !== 'production' ? 'The file started over.' : ''),
      );
      const stream = new RecordStream(this._source, index);
      const {event} = createSettlementEvent('success', this._registration);
      let write: Promise<CachedRecord | null> | undefined;
      try {
        write = this._write(deserializeRequest(stored.request), stream.response, event);
      } catch {
        // A route's `match` callback that throws: the copy at the end
        // meets the same error and reports it.
      }
      if (!write) {
        this._declined.add(index);
        stream.fail(new Error(process.env.NODE_ENV !== 'production' ? 'No early write.' : ''));
        return;
      }
      // Awaited by the settlement; until then a failure is no unhandled rejection.
      write.catch(() => undefined);
      this._streams[index] = stream;
      this._writes[index] = write;
    });
  }

  /** The job ended: its streams end (`success`) or error. */
  end(success: boolean): void {
    if (success) {
      this._dropLagging();
    }
    this._ended = true;
    // After a success, the parts the streams have yet to write stay for them.
    if (!success) {
      this._fresh.clear();
    }
    for (const stream of this._streams) {
      if (success) {
        stream?.release();
      } else {
        stream?.fail(
          new Error(process.env.NODE_ENV !== 'production' ? 'The download did not succeed.' : ''),
        );
      }
    }
  }
}
