import {releaseUnfinishedChunks} from '../../../src/lib/fallback/releaseUnfinishedChunks';
import type {ChunkStore} from '../../../src/lib/fallback/ChunkStore';
import type {StoredFile, StoredJob} from '../../../src/lib/fallback/StoredJob';

function storeWith(keys: string[]): ChunkStore & {stored: Set<string>} {
  const set = new Set(keys);
  return {
    copiesInBrowser: false,
    keepsBytes: false,
    stored: set,
    put: async (key) => void set.add(key),
    get: async () => undefined,
    present: async (keys) => keys.map((key) => set.has(key)),
    deletePrefix: async (prefix) => {
      for (const k of [...set].filter((key) => key.startsWith(prefix))) {
        set.delete(k);
      }
    },
  };
}

const file = (status: StoredFile['status'], generation: number, starts: number[]) =>
  ({status, generation, chunks: starts.map((start) => ({start, end: start + 10}))}) as StoredFile;

describe('what a job failed with quota-exceeded frees before its fail event', () => {
  test('the chunks of files that will never be a record (every generation); done and bad-status files keep theirs', async () => {
    const record = {
      uid: 'u',
      files: [
        file('done', 0, [0, 10]),
        file('pending', 1, [0]),
        file('bad-status', 0, [0]),
        file('failed', 0, [0]),
      ],
    } as StoredJob;
    const store = storeWith([
      'u/0/0/0',
      'u/0/0/10',
      'u/1/0/0',
      'u/1/1/0',
      'u/2/0/0',
      'u/3/0/0',
      'u2/1/1/0',
      'u/10/0/0',
    ]);
    await releaseUnfinishedChunks(record, store);
    expect([...store.stored].sort()).toEqual([
      'u/0/0/0',
      'u/0/0/10',
      'u/10/0/0',
      'u/2/0/0',
      'u2/1/1/0',
    ]);
    expect(record.files.map((f) => f.chunks.length)).toEqual([2, 0, 1, 0]);
  });
});
