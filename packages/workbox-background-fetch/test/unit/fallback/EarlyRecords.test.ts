/*
  EarlyRecords: which records are written while their job downloads, and
  which are left to the copy at the end. With chunks in Cache Storage
  (Chromium) a write that falls far behind the parts stored is dropped:
  that copy runs inside the browser and is faster than a stream that
  passes every byte through the worker (npm run bench, loopback). With
  chunks in IndexedDB the write is kept: there the copy is the slow part.
  The chunks' sizes are all that counts there: no byte is allocated.
  Parts stored while a write is at an earlier offset wait in memory for it
  (up to 16 MiB), rather than being read back from the store.
*/
import {expectBytes} from '../support/expectBytes';
import {bytes} from './simulateDownload';
import {chunkKey} from '../../../src/lib/fallback/ChunkStore';
import {EarlyRecords} from '../../../src/lib/fallback/EarlyRecords';
import type {CachedRecord} from '../../../src/lib/cacheRecords';
import type {ChunkStore, ChunkStorageKind} from '../../../src/lib/fallback/ChunkStore';
import type {RecordStreamSource} from '../../../src/lib/fallback/RecordStream';
import type {StoredChunk} from '../../../src/lib/fallback/planChunks';
import type {SnapshotRegistration} from '../../../src/lib/SnapshotRegistration';

const MiB = 1024 * 1024;
const URL = 'https://example.test/film.mp4';

/** A running job of one 256 MiB file whose stored chunks the test adds by hand. */
function job(kind: ChunkStorageKind) {
  const stored = {
    request: {url: URL, method: 'GET', headers: [], mode: 'cors', credentials: 'same-origin'},
    status: 'pending',
    head: {status: 200, statusText: 'OK', headers: [['content-length', String(256 * MiB)]]},
    chunks: [] as StoredChunk[],
    generation: 0,
  };
  const source: RecordStreamSource = {
    state: {
      record: {uid: 'job-1', state: 'running'},
      files: [{stored}],
    } as unknown as RecordStreamSource['state'],
    store: {
      copiesInBrowser: kind === 'cache-storage',
      get: async () => undefined,
    } as Partial<ChunkStore> as ChunkStore,
    changed: () => new Promise<void>(() => undefined),
  };
  const bodies: Array<ReadableStream<Uint8Array> | null> = [];
  const early = new EarlyRecords(source, {} as SnapshotRegistration, (_request, response) => {
    bodies.push(response.body);
    // A cache whose write has not read a byte yet: it fails when the body errors.
    const reader = response.body!.getReader();
    return reader.closed.then((): CachedRecord => ({url: URL, cacheName: 'media'}));
  });
  early.update();
  return {
    early,
    bodies,
    stored,
    /** Chunks up to `end` bytes stored; the last one handed to the streams. */
    storeUpTo(end: number) {
      const start = stored.chunks.at(-1)?.end ?? 0;
      stored.chunks.push({start, end});
      early.notePart(`chunk-${start}`, new Blob([]));
    },
  };
}

test.each(['cache-storage', 'indexeddb'] as const)(
  'chunks in %s: a write that keeps up with the download stays the early write',
  async (kind) => {
    const {early, bodies, storeUpTo} = job(kind);
    expect(bodies).toHaveLength(1);
    const write = early.writes[0]!;
    expect(write).toBeDefined();
    storeUpTo(40 * MiB);
    expect(early.writes[0]).toBe(write);
  },
);

test('chunks in Cache Storage: a write that falls far behind the parts stored is dropped, left to the copy at the end, and its body errors (the cache commits nothing)', async () => {
  const {early, storeUpTo} = job('cache-storage');
  const write = early.writes[0]!;
  for (let end = 16 * MiB; end <= 160 * MiB; end += 16 * MiB) {
    storeUpTo(end);
  }
  expect(early.writes[0]).toBeUndefined();
  await expect(write).rejects.toThrow('the write fell behind');
  // Dropped for good: later events start no new write for the file.
  early.update();
  storeUpTo(256 * MiB);
  expect(early.writes[0]).toBeUndefined();
});

test('chunks in IndexedDB: a write that falls far behind is kept (the copy at the end would be slower)', () => {
  const {early, storeUpTo} = job('indexeddb');
  const write = early.writes[0]!;
  storeUpTo(256 * MiB);
  expect(early.writes[0]).toBe(write);
});

test('chunks in Cache Storage: the job succeeds with its write far behind the file: the write is dropped then', async () => {
  const {early, stored} = job('cache-storage');
  const write = early.writes[0]!;
  // The whole file stored at once, no part handed to the streams.
  stored.chunks.push({start: 0, end: 256 * MiB});
  early.end(true);
  expect(early.writes[0]).toBeUndefined();
  await expect(write).rejects.toThrow('the write fell behind');
});

/**
 * A running job of one file, chunks in IndexedDB, whose parts the test
 * stores by hand under their real keys; `reads` lists the parts read back
 * from the store, `body()` reads the record written while it downloads.
 */
function jobWithParts(size: number) {
  const source = bytes(size, 11);
  const stored = {
    request: {url: URL, method: 'GET', headers: [], mode: 'cors', credentials: 'same-origin'},
    status: 'pending',
    head: {status: 200, statusText: 'OK', headers: [['content-length', String(size)]]},
    chunks: [] as StoredChunk[],
    generation: 0,
  };
  const parts = new Map<string, Blob>();
  const reads: number[] = [];
  const state = {
    record: {uid: 'job-1', state: 'running'},
    files: [{stored}],
  } as unknown as RecordStreamSource['state'];
  const early = new EarlyRecords(
    {
      state,
      store: {
        copiesInBrowser: false,
        get: async (key: string) => {
          reads.push(Number(key.split('/').at(-1)));
          return parts.get(key);
        },
      } as Partial<ChunkStore> as ChunkStore,
      changed: () => new Promise<void>(() => undefined),
    },
    {} as SnapshotRegistration,
    (_request, response) => {
      written = response.arrayBuffer();
      return written.then((): CachedRecord => ({url: URL, cacheName: 'media'}));
    },
  );
  let written: Promise<ArrayBuffer> | undefined;
  early.update();
  return {
    source,
    reads,
    /** Stores the part `[start, end)` of the file. */
    store(start: number, end: number) {
      const key = chunkKey('job-1', 0, 0, start);
      const part = new Blob([source.slice(start, end)]);
      parts.set(key, part);
      early.notePart(key, part);
      stored.chunks.push({start, end});
    },
    /** The job succeeded: the record's bytes. */
    async body(): Promise<Uint8Array> {
      stored.status = 'done';
      early.end(true);
      return new Uint8Array(await written!);
    },
  };
}

test('chunks in IndexedDB: the parts of a later request, stored while the write is still at an earlier one, reach the write without being read back', async () => {
  const {source, reads, store, body} = jobWithParts(12 * MiB);
  // Two requests in flight, [0, 6 MiB) and [6 MiB, 12 MiB), 1 MiB parts
  // stored in turns; the write reads none of them before the end.
  for (let part = 0; part < 6; part++) {
    store(part * MiB, (part + 1) * MiB);
    store((6 + part) * MiB, (7 + part) * MiB);
  }
  expectBytes(await body(), source);
  expect(reads).toEqual([]);
});

test('chunks in IndexedDB: past 16 MiB of parts waiting for the write, the ones it needs last are read back, and the record is still whole', async () => {
  const {source, reads, store, body} = jobWithParts(24 * MiB);
  for (let part = 0; part < 12; part++) {
    store(part * MiB, (part + 1) * MiB);
    store((12 + part) * MiB, (13 + part) * MiB);
  }
  expectBytes(await body(), source);
  // 16 MiB stay in memory: the first 16, in the order the write needs them.
  expect(reads).toEqual([16, 17, 18, 19, 20, 21, 22, 23].map((part) => part * MiB));
});
