/*
  RecordStream: the body of a record written while its job downloads, fed
  in order from the parts in memory (before or while they are stored) and
  from the chunk store. What the cache that reads it must get: the file's
  bytes in order, an end only after release(), an error otherwise.
*/
import {chunkKey} from '../../../src/lib/fallback/ChunkStore';
import {RecordStream} from '../../../src/lib/fallback/RecordStream';
import type {ChunkPart, ChunkStore} from '../../../src/lib/fallback/ChunkStore';
import type {RecordStreamSource} from '../../../src/lib/fallback/RecordStream';
import type {StoredChunk} from '../../../src/lib/fallback/planChunks';

const UID = 'job-1';
const FILE = Uint8Array.from({length: 250}, (_, i) => (i * 7) % 256);

function part(start: number, end: number): Blob {
  return new Blob([FILE.slice(start, end)]);
}

/** A job of one file whose chunks and status the test moves on by hand. */
function source() {
  const stored = {
    request: {url: 'https://example.test/film.mp4'},
    status: 'pending' as 'pending' | 'done' | 'fetch-error',
    head: {status: 200, statusText: 'OK', headers: [['content-type', 'video/mp4']]},
    chunks: [] as StoredChunk[],
    generation: 0,
  };
  const chunks = new Map<string, Blob>();
  const fresh = new Map<string, ChunkPart>();
  let wake = (): void => undefined;
  const src: RecordStreamSource = {
    state: {record: {uid: UID}, files: [{stored}]} as unknown as RecordStreamSource['state'],
    store: {get: async (key: string) => chunks.get(key)} as unknown as ChunkStore,
    changed: () => new Promise<void>((resolve) => (wake = resolve)),
    takeFresh: (key) => {
      const blob = fresh.get(key);
      fresh.delete(key);
      return blob;
    },
  };
  return {
    src,
    stored,
    /** A part in memory, not stored (yet): a Blob, or its bytes (a store that keeps bytes). */
    inMemory(start: number, end: number, asBytes = false) {
      const bytes = FILE.slice(start, end).buffer;
      fresh.set(chunkKey(UID, 0, 0, start), asBytes ? bytes : part(start, end));
      wake();
    },
    /** A chunk stored. */
    store(start: number, end: number) {
      chunks.set(chunkKey(UID, 0, 0, start), part(start, end));
      stored.chunks.push({start, end});
      wake();
    },
    event: () => wake(),
  };
}

/** Reads `count` bytes of `reader`. */
async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, count: number) {
  const pieces: Uint8Array[] = [];
  let got = 0;
  while (got < count) {
    const {value} = await reader.read();
    pieces.push(value!);
    got += value!.byteLength;
  }
  return new Uint8Array(await new Blob(pieces as BlobPart[]).arrayBuffer());
}

test('parts in memory and stored chunks are read in order; after the last byte the body ends with release()', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const reader = stream.response.body!.getReader();
  job.inMemory(0, 100);
  job.store(0, 100);
  job.store(100, 250);
  job.stored.status = 'done';
  job.event();
  expect(await readBytes(reader, 250)).toEqual(FILE);
  stream.release();
  expect((await reader.read()).done).toBe(true);
  expect(stream.response.headers.get('content-type')).toBe('video/mp4');
});

test('parts in memory as bytes (a store that keeps bytes, WebKit refusing Blobs) are read as they are, between stored Blobs', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const body = stream.response.arrayBuffer();
  job.inMemory(0, 100, true);
  job.store(0, 100);
  job.store(100, 180);
  job.inMemory(180, 250, true);
  job.store(180, 250);
  job.stored.status = 'done';
  stream.release();
  expect(new Uint8Array(await body)).toEqual(FILE);
  expect(stream.written).toBe(FILE.length);
});

test('without release() the body never ends: every byte read, a failure still errors it (the cache commits nothing)', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const reader = stream.response.body!.getReader();
  job.store(0, 250);
  job.stored.status = 'done';
  job.event();
  expect(await readBytes(reader, 250)).toEqual(FILE);
  const next = reader.read();
  stream.fail(new Error('The download did not succeed.'));
  await expect(next).rejects.toThrow('The download did not succeed.');
});

test('a part read from memory whose store failed is fetched again cut elsewhere: the stream goes on from inside the stored chunk', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const body = stream.response.arrayBuffer();
  // [0, 150) was read from memory, then its store failed; the retry stored
  // [0, 100) and [100, 250).
  job.inMemory(0, 150);
  job.store(0, 100);
  job.store(100, 250);
  job.stored.status = 'done';
  stream.release();
  expect(new Uint8Array(await body)).toEqual(FILE);
});

test('a stored chunk that is missing from the store errors the body', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const body = stream.response.arrayBuffer();
  job.stored.chunks.push({start: 0, end: 100});
  job.event();
  await expect(body).rejects.toThrow('A stored part of https://example.test/film.mp4 is missing.');
});

test('fail() errors the body, also while it waits for the next part', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const body = stream.response.arrayBuffer();
  job.inMemory(0, 100);
  stream.fail(new Error('The download did not succeed.'));
  await expect(body).rejects.toThrow('The download did not succeed.');
});

test('a file that fails or starts over errors the body', async () => {
  const job = source();
  const stream = new RecordStream(job.src, 0);
  const body = stream.response.arrayBuffer();
  job.stored.generation = 1;
  job.event();
  await expect(body).rejects.toThrow('started over or failed');
});
