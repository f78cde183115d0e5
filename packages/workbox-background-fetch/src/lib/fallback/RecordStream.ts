import {withKnownBodySize} from '../knownBodySize.js';
import {assembleResponse} from './assembleResponse.js';
import {chunkKey, partSize} from './ChunkStore.js';
import {storedBytes} from './planChunks.js';
import type {ChunkPart, ChunkStore} from './ChunkStore.js';
import type {DownloadState} from './downloadState.js';

/** What a record stream reads of its job. @private */
export interface RecordStreamSource {
  state: DownloadState;
  store: ChunkStore;
  /** Resolves after the job's next event (a part stored, a status changed…). */
  changed(): Promise<void>;
  /** The part stored (or being stored) under `key`, while in memory (read once), else `undefined`. */
  takeFresh?(key: string): ChunkPart | undefined;
}

/**
 * The response of one file of a running job, whose body is fed in order
 * from the parts the job stores, while it downloads: a cache can write it
 * as the bytes arrive, so the job's end costs no copy of the whole file.
 *
 * The body ends only once `release()` says the job succeeded (a cache
 * commits an entry when its body ends: nothing is visible before the
 * success, as with the copy at the end). It errors, and the write that
 * reads it fails leaving nothing behind, when `fail()` is called, when the
 * file starts over, fails, or a stored part is missing. Reading is pulled:
 * one stored part at a time, so memory stays within about two parts
 * whatever the file's size.
 *
 * @private
 */
export class RecordStream {
  readonly index: number;
  readonly generation: number;
  readonly response: Response;
  private readonly _source: RecordStreamSource;
  private _released = false;
  private _error: Error | null = null;
  private _poke: (() => void) | null = null;
  /** The bytes of the body handed to its reader so far. */
  written = 0;

  constructor(source: RecordStreamSource, index: number) {
    const {stored} = source.state.files[index];
    this._source = source;
    this.index = index;
    this.generation = stored.generation;
    let closed = false;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          if (this._error) {
            throw this._error;
          }
          const next = await this._nextPart(this.written);
          if (next === 'end') {
            closed = true;
            controller.close();
            return;
          }
          if (next) {
            // One piece per stored part: a stream pumped in small pieces
            // costs more CPU than the download itself (Chromium, Firefox).
            // Read back from the part's Blob: handing the stream the bytes
            // read from the network instead (whole bodies read with
            // arrayBuffer()) was slower on all three engines (npm run bench
            // -- --quick --size=256 --rounds=4, loopback: Chromium
            // 2.19-2.37 s against 1.31-1.74 s, WebKitGTK 4.60-4.74 s against
            // 4.38-4.42 s). A deeper queue (highWaterMark 3) changed nothing
            // on Firefox.
            // (Bytes kept as they are: a default stream's reader copies
            // them, nothing detaches them from the store's write.)
            this.written += partSize(next);
            controller.enqueue(
              new Uint8Array(next instanceof Blob ? await next.arrayBuffer() : next),
            );
            return;
          }
        }
      },
      cancel: () => {
        this.fail(
          new Error(
            process.env.NODE_ENV !== 'production' ? 'The reader cancelled the stream.' : '',
          ),
        );
      },
    });
    this.response = withKnownBodySize(
      assembleResponse(stored.head!, body, stored.request.url),
      () => (closed ? this.written : undefined),
    );
  }

  /** The job succeeded: the body ends after its last byte. */
  release(): void {
    this._released = true;
    this._poke?.();
  }

  /** A part arrived: a pull waiting for it looks again. */
  wake(): void {
    this._poke?.();
  }

  /** The job did not succeed (or this worker stops it): the body errors. */
  fail(error: Error): void {
    this._error ??= error;
    this._poke?.();
  }

  /** The stored part at `offset`, `'end'` after the last, or `null` after waiting for a change. */
  private async _nextPart(offset: number): Promise<ChunkPart | 'end' | null> {
    const {state, store} = this._source;
    const {stored} = state.files[this.index];
    const url = stored.request.url;
    if (
      stored.generation !== this.generation ||
      (stored.status !== 'pending' && stored.status !== 'done')
    ) {
      throw new Error(
        process.env.NODE_ENV !== 'production' ? `${url} started over or failed.` : '',
      );
    }
    const keyAt = (start: number): string =>
      chunkKey(state.record.uid, this.index, this.generation, start);
    const fresh = this._source.takeFresh?.(keyAt(offset));
    if (fresh) {
      return fresh;
    }
    // A part read while it was being stored whose store then failed is
    // fetched again, maybe cut elsewhere: `offset` may fall inside a chunk.
    const chunk = stored.chunks.find(({start, end}) => start <= offset && offset < end);
    if (chunk) {
      const blob = await store.get(keyAt(chunk.start));
      if (blob?.size !== chunk.end - chunk.start) {
        throw new Error(
          process.env.NODE_ENV !== 'production' ? `A stored part of ${url} is missing.` : '',
        );
      }
      return blob.slice(offset - chunk.start);
    }
    if (stored.status === 'done') {
      if (offset !== storedBytes(stored.chunks)) {
        throw new Error(
          process.env.NODE_ENV !== 'production'
            ? `The stored parts of ${url} have a gap at byte ${offset}.`
            : '',
        );
      }
      if (this._released) {
        return 'end';
      }
    }
    await new Promise<void>((resolve) => {
      this._poke = resolve;
      void this._source.changed().then(resolve);
    });
    this._poke = null;
    return null;
  }
}
